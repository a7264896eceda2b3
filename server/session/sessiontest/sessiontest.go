// Package sessiontest is the contract of session.Store, run on every engine.
package sessiontest

import (
	"context"
	"errors"
	"testing"
	"time"

	"jszg/server/session"
)

// Run checks the contract; open returns an empty store of the engine under test.
func Run(t *testing.T, open func(t *testing.T) session.Store) {
	ctx := context.Background()
	now := time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)
	mk := func(id, account string) *session.Session {
		return &session.Session{ID: id, AccountID: account, Kind: "applicant", CreatedAt: now, SeenAt: now,
			IdleUntil: now.Add(session.IdleTimeout), EndsAt: now.Add(session.AbsoluteTimeout)}
	}

	t.Run("InsertGetTouchDelete", func(t *testing.T) {
		st := open(t)
		s := mk("h1", "a1")
		if err := st.Insert(ctx, s); err != nil {
			t.Fatal(err)
		}
		got, err := st.Get(ctx, "h1")
		if err != nil {
			t.Fatal(err)
		}
		if !got.CreatedAt.Equal(s.CreatedAt) || !got.IdleUntil.Equal(s.IdleUntil) || !got.EndsAt.Equal(s.EndsAt) ||
			got.AccountID != "a1" || got.Kind != "applicant" {
			t.Fatalf("got %+v, want %+v", got, s)
		}
		later := now.Add(5 * time.Minute)
		if err := st.Touch(ctx, "h1", later, later.Add(session.IdleTimeout)); err != nil {
			t.Fatal(err)
		}
		got, _ = st.Get(ctx, "h1")
		if !got.SeenAt.Equal(later) || !got.IdleUntil.Equal(later.Add(session.IdleTimeout)) {
			t.Fatalf("after touch %+v", got)
		}
		if err := st.Delete(ctx, "h1"); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Get(ctx, "h1"); !errors.Is(err, session.ErrNoSession) {
			t.Fatalf("after delete: %v, want ErrNoSession", err)
		}
	})

	t.Run("DeleteByAccountKeepsTheException", func(t *testing.T) {
		st := open(t)
		for _, s := range []*session.Session{mk("h1", "a1"), mk("h2", "a1"), mk("h3", "a1"), mk("h4", "a2")} {
			if err := st.Insert(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
		n, err := st.DeleteByAccount(ctx, "a1", "h2")
		if err != nil || n != 2 {
			t.Fatalf("deleted %d, %v; want 2", n, err)
		}
		if _, err := st.Get(ctx, "h2"); err != nil {
			t.Fatalf("the exception went: %v", err)
		}
		if _, err := st.Get(ctx, "h4"); err != nil {
			t.Fatalf("another account's session went: %v", err)
		}
		if n, _ := st.DeleteByAccount(ctx, "a1", ""); n != 1 {
			t.Fatalf("delete all: %d, want 1", n)
		}
	})
}
