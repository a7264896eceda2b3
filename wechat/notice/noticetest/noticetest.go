// Package noticetest is the contract of notice.Store, run by every engine's tests: records come
// back per account, newest first, until purged.
package noticetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"jszg/wechat/notice"
)

// Run checks the store; open returns an empty store of the engine under test.
func Run(t *testing.T, open func(t *testing.T) notice.Store) {
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)

	t.Run("HistoryNewestFirst", func(t *testing.T) {
		st := open(t)
		for i := 0; i < 4; i++ {
			r := notice.Record{ID: fmt.Sprintf("n%d", i), AccountID: "acc-1", TemplateID: "tpl", Kind: "review_result",
				Result: notice.ResultSent, Attempts: i + 1, MsgID: int64(1000 + i), ErrCode: i,
				CreatedAt: now.Add(time.Duration(i) * time.Minute), PurgeAt: now.Add(notice.RecordTTL)}
			if err := st.Add(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		_ = st.Add(ctx, notice.Record{ID: "other", AccountID: "acc-2", TemplateID: "tpl", Result: notice.ResultNotBound,
			CreatedAt: now, PurgeAt: now.Add(notice.RecordTTL)})
		got, err := st.History(ctx, "acc-1", now, 3)
		if err != nil || len(got) != 3 {
			t.Fatalf("history: %d records, %v", len(got), err)
		}
		for i, r := range got {
			want := notice.Record{ID: fmt.Sprintf("n%d", 3-i), AccountID: "acc-1", TemplateID: "tpl", Kind: "review_result",
				Result: notice.ResultSent, Attempts: 4 - i, MsgID: int64(1003 - i), ErrCode: 3 - i,
				CreatedAt: now.Add(time.Duration(3-i) * time.Minute), PurgeAt: now.Add(notice.RecordTTL)}
			if r != want {
				t.Fatalf("record %d: %+v, want %+v", i, r, want)
			}
		}
		if got, _ := st.History(ctx, "acc-3", now, 10); len(got) != 0 {
			t.Fatalf("unknown account: %+v", got)
		}
	})

	t.Run("PurgedRecordsAreGone", func(t *testing.T) {
		st := open(t)
		_ = st.Add(ctx, notice.Record{ID: "old", AccountID: "acc-1", TemplateID: "tpl", Result: notice.ResultFailed,
			Attempts: 3, CreatedAt: now, PurgeAt: now.Add(time.Hour)})
		if got, _ := st.History(ctx, "acc-1", now.Add(59*time.Minute), 10); len(got) != 1 {
			t.Fatalf("before purge: %d records", len(got))
		}
		if got, _ := st.History(ctx, "acc-1", now.Add(time.Hour), 10); len(got) != 0 {
			t.Fatalf("after purge: %d records", len(got))
		}
	})
}
