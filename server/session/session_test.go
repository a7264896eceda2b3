package session_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"jszg/server/clock"
	"jszg/server/session"
	"jszg/server/store/storetest"
)

func newSessions(t *testing.T) (*session.Sessions, *clock.Fake) {
	st := storetest.Open(t)
	clk := clock.NewFake(time.Date(2026, 4, 1, 8, 0, 0, 0, time.UTC))
	s := session.New(st.Sessions, clk, []byte("secret"))
	return s, clk
}

func TestIdleSessionEnds(t *testing.T) {
	s, clk := newSessions(t)
	ctx := context.Background()
	token, _, err := s.Start(ctx, "acc1", "applicant")
	if err != nil {
		t.Fatal(err)
	}
	clk.Advance(session.IdleTimeout - time.Second)
	if _, err := s.Lookup(ctx, token); err != nil {
		t.Fatalf("just before the idle timeout: %v", err)
	}
	// That use refreshed the idle time.
	clk.Advance(session.IdleTimeout - time.Second)
	if _, err := s.Lookup(ctx, token); err != nil {
		t.Fatalf("refreshed: %v", err)
	}
	clk.Advance(session.IdleTimeout)
	if _, err := s.Lookup(ctx, token); !errors.Is(err, session.ErrNoSession) {
		t.Fatalf("after 30 idle minutes: %v", err)
	}
}

func TestBusySessionEndsAtTheAbsoluteTimeout(t *testing.T) {
	s, clk := newSessions(t)
	ctx := context.Background()
	token, _, _ := s.Start(ctx, "acc1", "applicant")
	for elapsed := time.Duration(0); elapsed < session.AbsoluteTimeout-10*time.Minute; elapsed += 10 * time.Minute {
		clk.Advance(10 * time.Minute)
		if _, err := s.Lookup(ctx, token); err != nil {
			t.Fatalf("after %s of use: %v", elapsed, err)
		}
	}
	clk.Advance(10 * time.Minute)
	if _, err := s.Lookup(ctx, token); !errors.Is(err, session.ErrNoSession) {
		t.Fatalf("after 12 hours: %v", err)
	}
}

func TestEndAllKeepsTheCurrentSession(t *testing.T) {
	s, _ := newSessions(t)
	ctx := context.Background()
	keep, kept, _ := s.Start(ctx, "acc1", "applicant")
	other, _, _ := s.Start(ctx, "acc1", "applicant")
	stranger, _, _ := s.Start(ctx, "acc2", "applicant")
	if n, err := s.EndAll(ctx, "acc1", kept.ID); err != nil || n != 1 {
		t.Fatalf("ended %d (%v), want 1", n, err)
	}
	if _, err := s.Lookup(ctx, keep); err != nil {
		t.Fatal("the current session ended")
	}
	if _, err := s.Lookup(ctx, other); !errors.Is(err, session.ErrNoSession) {
		t.Fatal("the other session lives on")
	}
	if _, err := s.Lookup(ctx, stranger); err != nil {
		t.Fatal("another account's session ended")
	}
}

func TestTokensAreStoredHashedAndCSRFTokensDiffer(t *testing.T) {
	s, _ := newSessions(t)
	ctx := context.Background()
	t1, s1, _ := s.Start(ctx, "acc1", "applicant")
	_, s2, _ := s.Start(ctx, "acc1", "applicant")
	if s1.ID == t1 {
		t.Fatal("session id is the token itself")
	}
	if s.CSRFToken(s1) == s.CSRFToken(s2) {
		t.Fatal("two sessions share a CSRF token")
	}
	if !s.CheckCSRF(s1, s.CSRFToken(s1)) || s.CheckCSRF(s1, s.CSRFToken(s2)) || s.CheckCSRF(s1, "") {
		t.Fatal("CSRF check")
	}
	if _, err := s.Lookup(ctx, "unknown"); !errors.Is(err, session.ErrNoSession) {
		t.Fatal("unknown token found")
	}
}
