// Package audittest is the contract of audit.Store: every engine runs it (the sqlite and mongo
// packages' tests), so that staff read the same log, in the same order, whichever engine keeps it.
package audittest

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"jszg/server/audit"
)

// Run checks the store against the contract; open returns an empty store of the engine under test.
func Run(t *testing.T, open func(t *testing.T) audit.Store) {
	ctx := context.Background()
	t0 := time.Date(2026, 5, 1, 2, 0, 0, 0, time.UTC)

	list := func(t *testing.T, st audit.Store, accountID string, limit int64) []audit.Record {
		t.Helper()
		rs, err := st.List(ctx, accountID, limit)
		if err != nil {
			t.Fatal(err)
		}
		return rs
	}
	events := func(rs []audit.Record) []string {
		out := []string{}
		for _, r := range rs {
			out = append(out, r.Event)
		}
		return out
	}

	t.Run("EmptyLog", func(t *testing.T) {
		st := open(t)
		if rs := list(t, st, "", 10); len(rs) != 0 {
			t.Fatalf("empty log lists %v", rs)
		}
	})

	t.Run("RecordsComeBackAsAppended", func(t *testing.T) {
		st := open(t)
		full := audit.Record{
			At: t0.Add(1500 * time.Millisecond), Event: audit.SignedIn, AccountID: "acc1", Actor: "staff7",
			Addr: "203.0.113.0/24", Subject: "1101**********1234", Detail: map[string]string{"session": "s1", "via": "password"},
		}
		bare := audit.Record{At: t0, Event: audit.SignInFailed}
		for _, r := range []audit.Record{bare, full} {
			if err := st.Append(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		rs := list(t, st, "", 0)
		if len(rs) != 2 {
			t.Fatalf("listed %d records, want 2", len(rs))
		}
		got := rs[0]
		if !got.At.Equal(full.At) || got.Event != full.Event || got.AccountID != full.AccountID || got.Actor != full.Actor ||
			got.Addr != full.Addr || got.Subject != full.Subject || !reflect.DeepEqual(got.Detail, full.Detail) {
			t.Errorf("full record came back as %+v, want %+v", got, full)
		}
		got = rs[1]
		if !got.At.Equal(bare.At) || got.Event != bare.Event || got.AccountID != "" || got.Actor != "" ||
			got.Addr != "" || got.Subject != "" || len(got.Detail) != 0 {
			t.Errorf("bare record came back as %+v, want %+v", got, bare)
		}
	})

	t.Run("NewestFirstThenLaterAppendedFirst", func(t *testing.T) {
		st := open(t)
		// Appended out of time order; three at the same instant.
		for _, r := range []audit.Record{
			{At: t0.Add(2 * time.Second), Event: "b"},
			{At: t0, Event: "a"},
			{At: t0.Add(3 * time.Second), Event: "c1"},
			{At: t0.Add(3 * time.Second), Event: "c2"},
			{At: t0.Add(3 * time.Second), Event: "c3"},
			{At: t0.Add(time.Second), Event: "ab"},
		} {
			if err := st.Append(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		want := []string{"c3", "c2", "c1", "b", "ab", "a"}
		if got := events(list(t, st, "", 0)); !reflect.DeepEqual(got, want) {
			t.Fatalf("order %v, want %v", got, want)
		}
		if got := events(list(t, st, "", 4)); !reflect.DeepEqual(got, want[:4]) {
			t.Fatalf("newest 4: %v, want %v", got, want[:4])
		}
	})

	t.Run("OfOneAccount", func(t *testing.T) {
		st := open(t)
		for i, acc := range []string{"acc1", "acc2", "", "acc1", "acc2", "acc1"} {
			r := audit.Record{At: t0.Add(time.Duration(i) * time.Second), Event: fmt.Sprintf("e%d", i), AccountID: acc}
			if err := st.Append(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		if got, want := events(list(t, st, "acc1", 0)), []string{"e5", "e3", "e0"}; !reflect.DeepEqual(got, want) {
			t.Fatalf("acc1: %v, want %v", got, want)
		}
		if got, want := events(list(t, st, "acc2", 1)), []string{"e4"}; !reflect.DeepEqual(got, want) {
			t.Fatalf("acc2 newest: %v, want %v", got, want)
		}
		if rs := list(t, st, "acc3", 0); len(rs) != 0 {
			t.Fatalf("account without records: %v", rs)
		}
		if rs := list(t, st, "", 0); len(rs) != 6 {
			t.Fatalf("all accounts: %d records, want 6", len(rs))
		}
	})

	t.Run("FiftyConcurrentAppendsAreAllKept", func(t *testing.T) {
		st := open(t)
		var wg sync.WaitGroup
		for i := range 50 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := st.Append(ctx, audit.Record{At: t0, Event: fmt.Sprintf("e%d", i), AccountID: "acc"}); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		seen := map[string]bool{}
		for _, r := range list(t, st, "acc", 0) {
			seen[r.Event] = true
		}
		if len(seen) != 50 {
			t.Fatalf("%d distinct records kept of 50 appended", len(seen))
		}
	})
}
