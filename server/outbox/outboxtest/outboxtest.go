// Package outboxtest is the contract of outbox.Store: every engine runs it (the sqlite and mongo
// packages' tests), so that the local run and the tests read the same messages from either.
package outboxtest

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"jszg/server/outbox"
)

// Run checks the store against the contract; open returns an empty store of the engine under test.
func Run(t *testing.T, open func(t *testing.T) outbox.Store) {
	ctx := context.Background()
	t0 := time.Date(2026, 5, 1, 2, 0, 0, 0, time.UTC)

	list := func(t *testing.T, st outbox.Store, to string, limit int64) []outbox.Message {
		t.Helper()
		ms, err := st.List(ctx, to, limit)
		if err != nil {
			t.Fatal(err)
		}
		return ms
	}
	texts := func(ms []outbox.Message) []string {
		out := []string{}
		for _, m := range ms {
			out = append(out, m.Text)
		}
		return out
	}

	t.Run("EmptyOutbox", func(t *testing.T) {
		st := open(t)
		if ms := list(t, st, "", 10); len(ms) != 0 {
			t.Fatalf("empty outbox lists %v", ms)
		}
	})

	t.Run("MessagesComeBackAsPut", func(t *testing.T) {
		st := open(t)
		sms := outbox.Message{Channel: "sms", To: "13812345678", Text: outbox.SMSText("123456", 5), Code: "123456", SentAt: t0}
		mail := outbox.Message{Channel: "email", To: "a@example.cn", Subject: "安全邮箱验证", Text: "链接", SentAt: t0.Add(1500 * time.Millisecond)}
		for _, m := range []outbox.Message{sms, mail} {
			if err := st.Put(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		ms := list(t, st, "", 0)
		if len(ms) != 2 {
			t.Fatalf("listed %d, want 2", len(ms))
		}
		for i, want := range []outbox.Message{mail, sms} {
			got := ms[i]
			if !got.SentAt.Equal(want.SentAt) {
				t.Errorf("message %d sent at %s, want %s", i, got.SentAt, want.SentAt)
			}
			got.SentAt = want.SentAt
			if got != want {
				t.Errorf("message %d came back as %+v, want %+v", i, got, want)
			}
		}
	})

	t.Run("NewestFirstThenLaterPutFirst", func(t *testing.T) {
		st := open(t)
		for _, m := range []outbox.Message{
			{SentAt: t0.Add(2 * time.Second), Text: "b"},
			{SentAt: t0, Text: "a"},
			{SentAt: t0.Add(3 * time.Second), Text: "c1"},
			{SentAt: t0.Add(3 * time.Second), Text: "c2"},
			{SentAt: t0.Add(time.Second), Text: "ab"},
		} {
			m.Channel, m.To = "sms", "13812345678"
			if err := st.Put(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		want := []string{"c2", "c1", "b", "ab", "a"}
		if got := texts(list(t, st, "", 0)); !reflect.DeepEqual(got, want) {
			t.Fatalf("order %v, want %v", got, want)
		}
		if got := texts(list(t, st, "", 1)); !reflect.DeepEqual(got, want[:1]) {
			t.Fatalf("newest: %v, want %v", got, want[:1])
		}
	})

	t.Run("ToOneRecipient", func(t *testing.T) {
		st := open(t)
		for i, to := range []string{"13800000001", "13800000002", "13800000001", "a@example.cn"} {
			m := outbox.Message{Channel: "sms", To: to, Text: fmt.Sprintf("m%d", i), SentAt: t0.Add(time.Duration(i) * time.Second)}
			if err := st.Put(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		if got, want := texts(list(t, st, "13800000001", 0)), []string{"m2", "m0"}; !reflect.DeepEqual(got, want) {
			t.Fatalf("to 13800000001: %v, want %v", got, want)
		}
		if got, want := texts(list(t, st, "13800000001", 1)), []string{"m2"}; !reflect.DeepEqual(got, want) {
			t.Fatalf("latest to 13800000001: %v, want %v", got, want)
		}
		if ms := list(t, st, "13900000000", 0); len(ms) != 0 {
			t.Fatalf("to nobody: %v", ms)
		}
	})

	t.Run("FiftyConcurrentPutsAreAllKept", func(t *testing.T) {
		st := open(t)
		var wg sync.WaitGroup
		for i := range 50 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := st.Put(ctx, outbox.Message{Channel: "sms", To: "13812345678", Text: fmt.Sprintf("m%d", i), SentAt: t0}); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		seen := map[string]bool{}
		for _, m := range list(t, st, "13812345678", 0) {
			seen[m.Text] = true
		}
		if len(seen) != 50 {
			t.Fatalf("%d distinct messages kept of 50 put", len(seen))
		}
	})
}
