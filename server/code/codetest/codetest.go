// Package codetest is the contract of code.Store: every engine runs it (the sqlite and mongo
// packages' tests), so that the same inputs give the same answers on each, the races included.
package codetest

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"jszg/server/code"
	"jszg/server/racetest"
)

// Run checks the store against the contract; open returns an empty store of the engine under test.
func Run(t *testing.T, open func(t *testing.T) code.Store) {
	ctx := context.Background()
	t0 := time.Date(2026, 3, 2, 1, 10, 30, 0, time.UTC)
	const (
		id       = "sms|register|13812345678"
		cooldown = time.Minute
		max      = 5
	)
	keep := t0.Add(24 * time.Hour)

	// issue claims id at now and gives the claim a code, as the service does.
	issue := func(t *testing.T, st code.Store, now time.Time, hash string) {
		t.Helper()
		if _, ok, err := st.Claim(ctx, id, now, cooldown, now.Add(24*time.Hour)); err != nil || !ok {
			t.Fatalf("claim at %s: %v, %v", now, ok, err)
		}
		if ok, err := st.Set(ctx, id, now, hash, now.Add(5*time.Minute)); err != nil || !ok {
			t.Fatalf("set at %s: %v, %v", now, ok, err)
		}
	}
	get := func(t *testing.T, st code.Store, now time.Time) *code.Record {
		t.Helper()
		r, err := st.Get(ctx, id, now)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}

	t.Run("FirstClaimCreatesAnEmptyRecord", func(t *testing.T) {
		st := open(t)
		if r := get(t, st, t0); r != nil {
			t.Fatalf("record before any claim: %+v", r)
		}
		prev, ok, err := st.Claim(ctx, id, t0, cooldown, keep)
		if err != nil || !ok || prev != nil {
			t.Fatalf("first claim: prev %+v, claimed %v, %v; want nil, true", prev, ok, err)
		}
		r := get(t, st, t0)
		if r == nil || !r.SentAt.Equal(t0) || !r.KeepUntil.Equal(keep) || r.Hash != "" || !r.ExpiresAt.IsZero() || r.Attempts != 0 || r.Used {
			t.Fatalf("claimed record %+v", r)
		}
	})

	t.Run("CooldownRefusesAndReturnsTheCurrentRecord", func(t *testing.T) {
		st := open(t)
		issue(t, st, t0, "h1")
		cur, ok, err := st.Claim(ctx, id, t0.Add(cooldown-time.Millisecond), cooldown, keep)
		if err != nil || ok {
			t.Fatalf("claim within the cooldown: claimed %v, %v; want refused", ok, err)
		}
		if cur == nil || !cur.SentAt.Equal(t0) || cur.Hash != "h1" {
			t.Fatalf("refused claim returned %+v, want the record sent at %s", cur, t0)
		}
		if r := get(t, st, t0); r == nil || !r.SentAt.Equal(t0) || r.Hash != "h1" {
			t.Fatalf("a refused claim changed the record: %+v", r)
		}
	})

	t.Run("ClaimAfterCooldownReturnsThePreviousState", func(t *testing.T) {
		st := open(t)
		issue(t, st, t0, "h1")
		if ok, _ := st.Fail(ctx, id, "h1", t0, max); !ok {
			t.Fatal("wrong try not counted")
		}
		t1 := t0.Add(cooldown) // exactly a cooldown later is allowed
		prev, ok, err := st.Claim(ctx, id, t1, cooldown, t1.Add(24*time.Hour))
		if err != nil || !ok {
			t.Fatalf("claim a cooldown later: %v, %v", ok, err)
		}
		if prev == nil || prev.Hash != "h1" || !prev.SentAt.Equal(t0) || !prev.KeepUntil.Equal(keep) ||
			!prev.ExpiresAt.Equal(t0.Add(5*time.Minute)) || prev.Attempts != 1 || prev.Used {
			t.Fatalf("previous state %+v", prev)
		}
		// The claim moves the send time only; the earlier code stays until Set replaces it.
		r := get(t, st, t1)
		if r == nil || !r.SentAt.Equal(t1) || !r.KeepUntil.Equal(t1.Add(24*time.Hour)) || r.Hash != "h1" || r.Attempts != 1 {
			t.Fatalf("record after the claim %+v", r)
		}
		if ok, err := st.Set(ctx, id, t1, "h2", t1.Add(5*time.Minute)); err != nil || !ok {
			t.Fatalf("set: %v, %v", ok, err)
		}
		r = get(t, st, t1)
		if r.Hash != "h2" || !r.ExpiresAt.Equal(t1.Add(5*time.Minute)) || r.Attempts != 0 || r.Used {
			t.Fatalf("record after set %+v", r)
		}
	})

	t.Run("SetNeedsTheClaim", func(t *testing.T) {
		st := open(t)
		if ok, err := st.Set(ctx, id, t0, "h1", t0.Add(5*time.Minute)); err != nil || ok {
			t.Fatalf("set without any record: %v, %v; want false", ok, err)
		}
		issue(t, st, t0, "h1")
		if ok, err := st.Set(ctx, id, t0.Add(-time.Second), "h2", t0.Add(5*time.Minute)); err != nil || ok {
			t.Fatalf("set by a claim that is not the current one: %v, %v; want false", ok, err)
		}
		if r := get(t, st, t0); r.Hash != "h1" {
			t.Fatalf("a refused set changed the code: %+v", r)
		}
	})

	t.Run("UnclaimRestoresTheEarlierCode", func(t *testing.T) {
		st := open(t)
		issue(t, st, t0, "h1")
		t1 := t0.Add(2 * cooldown)
		prev, ok, err := st.Claim(ctx, id, t1, cooldown, t1.Add(24*time.Hour))
		if err != nil || !ok {
			t.Fatal(ok, err)
		}
		if err := st.Unclaim(ctx, id, t1, prev); err != nil {
			t.Fatal(err)
		}
		r := get(t, st, t1)
		if r == nil || !r.SentAt.Equal(t0) || !r.KeepUntil.Equal(keep) || r.Hash != "h1" {
			t.Fatalf("after unclaim %+v, want the record sent at %s", r, t0)
		}
		// The earlier code still works, and the cooldown counts from its send again.
		if ok, _ := st.Use(ctx, id, "h1", t1, max); !ok {
			t.Fatal("the restored code does not work")
		}
		if _, ok, _ := st.Claim(ctx, id, t1, cooldown, t1.Add(24*time.Hour)); !ok {
			t.Fatal("after unclaim the cooldown still counts from the refused send")
		}
	})

	t.Run("UnclaimOfAFirstClaimRemovesTheRecord", func(t *testing.T) {
		st := open(t)
		prev, _, err := st.Claim(ctx, id, t0, cooldown, keep)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Unclaim(ctx, id, t0, prev); err != nil {
			t.Fatal(err)
		}
		if r := get(t, st, t0); r != nil {
			t.Fatalf("after unclaim of the first claim: %+v, want none", r)
		}
		if _, ok, _ := st.Claim(ctx, id, t0, cooldown, keep); !ok {
			t.Fatal("claim at once after the unclaim refused")
		}
	})

	t.Run("UnclaimLeavesALaterClaimAlone", func(t *testing.T) {
		st := open(t)
		prev, _, _ := st.Claim(ctx, id, t0, cooldown, keep)
		t1 := t0.Add(cooldown)
		issue(t, st, t1, "h2")
		if err := st.Unclaim(ctx, id, t0, prev); err != nil {
			t.Fatal(err)
		}
		if r := get(t, st, t1); r == nil || !r.SentAt.Equal(t1) || r.Hash != "h2" {
			t.Fatalf("a stale unclaim changed the later claim: %+v", r)
		}
	})

	t.Run("RightHashIsUsedOnce", func(t *testing.T) {
		st := open(t)
		issue(t, st, t0, "h1")
		if ok, err := st.Use(ctx, id, "other", t0, max); err != nil || ok {
			t.Fatalf("use with another hash: %v, %v", ok, err)
		}
		if ok, err := st.Use(ctx, id, "h1", t0.Add(time.Minute), max); err != nil || !ok {
			t.Fatalf("first use: %v, %v", ok, err)
		}
		if r := get(t, st, t0); !r.Used {
			t.Fatalf("not marked used: %+v", r)
		}
		if ok, err := st.Use(ctx, id, "h1", t0.Add(time.Minute), max); err != nil || ok {
			t.Fatalf("second use: %v, %v; want false", ok, err)
		}
		if ok, _ := st.Fail(ctx, id, "h1", t0, max); ok {
			t.Fatal("a wrong try counted against a used code")
		}
		if ok, _ := st.Use(ctx, "sms|register|13900000000", "h1", t0, max); ok {
			t.Fatal("use of a code that does not exist")
		}
	})

	t.Run("CodeExpiresAtItsTime", func(t *testing.T) {
		st := open(t)
		issue(t, st, t0, "h1")
		exp := t0.Add(5 * time.Minute)
		if ok, _ := st.Use(ctx, id, "h1", exp, max); ok {
			t.Fatal("used at its expiry time")
		}
		if ok, _ := st.Fail(ctx, id, "h1", exp, max); ok {
			t.Fatal("wrong try counted at its expiry time")
		}
		if ok, _ := st.Use(ctx, id, "h1", exp.Add(-time.Millisecond), max); !ok {
			t.Fatal("not usable a millisecond before its expiry")
		}
	})

	t.Run("RecordIsGoneAfterKeepUntil", func(t *testing.T) {
		st := open(t)
		issue(t, st, t0, "h1")
		if r := get(t, st, keep.Add(-time.Millisecond)); r == nil {
			t.Fatal("record gone before its KeepUntil")
		}
		if r := get(t, st, keep); r != nil {
			t.Fatalf("record at its KeepUntil: %+v, want none", r)
		}
		prev, ok, err := st.Claim(ctx, id, keep, cooldown, keep.Add(24*time.Hour))
		if err != nil || !ok || prev != nil {
			t.Fatalf("claim of a record past KeepUntil: prev %+v, %v, %v; want nil, true", prev, ok, err)
		}
	})

	t.Run("WrongTriesCountUpToTheLimit", func(t *testing.T) {
		st := open(t)
		issue(t, st, t0, "h1")
		for i := 1; i <= max; i++ {
			if ok, err := st.Fail(ctx, id, "h1", t0, max); err != nil || !ok {
				t.Fatalf("try %d: %v, %v", i, ok, err)
			}
		}
		if ok, _ := st.Fail(ctx, id, "h1", t0, max); ok {
			t.Fatal("a sixth wrong try counted")
		}
		if r := get(t, st, t0); r.Attempts != max {
			t.Fatalf("attempts %d, want %d", r.Attempts, max)
		}
		if ok, _ := st.Use(ctx, id, "h1", t0, max); ok {
			t.Fatal("right code used after the limit")
		}
		// A new code starts afresh.
		issue(t, st, t0.Add(cooldown), "h2")
		if ok, _ := st.Use(ctx, id, "h2", t0.Add(cooldown), max); !ok {
			t.Fatal("a new code after the limit does not work")
		}
	})

	t.Run("Delete", func(t *testing.T) {
		st := open(t)
		issue(t, st, t0, "h1")
		if err := st.Delete(ctx, id); err != nil {
			t.Fatal(err)
		}
		if r := get(t, st, t0); r != nil {
			t.Fatalf("after delete %+v", r)
		}
		if err := st.Delete(ctx, id); err != nil {
			t.Fatalf("delete of a missing record: %v", err)
		}
		if _, ok, _ := st.Claim(ctx, id, t0, cooldown, keep); !ok {
			t.Fatal("the cooldown survived the delete")
		}
	})

	t.Run("RecordsAreSeparate", func(t *testing.T) {
		st := open(t)
		issue(t, st, t0, "h1")
		other := "sms|reset|13812345678"
		if r, _ := st.Get(ctx, other, t0); r != nil {
			t.Fatalf("other id has %+v", r)
		}
		if _, ok, _ := st.Claim(ctx, other, t0, cooldown, keep); !ok {
			t.Fatal("the cooldown of one id refused another")
		}
	})

	t.Run("FiftyConcurrentClaimsOneWins", func(t *testing.T) {
		st := open(t)
		issue(t, st, t0, "h1")
		t1 := t0.Add(cooldown)
		var won atomic.Int32
		racetest.Run(t, 50, func() error {
			_, ok, err := st.Claim(ctx, id, t1, cooldown, t1.Add(24*time.Hour))
			if ok {
				won.Add(1)
			}
			return err
		})
		if won.Load() != 1 {
			t.Fatalf("%d of 50 concurrent claims won, want 1", won.Load())
		}
	})

	t.Run("FiftyConcurrentClaimsOfANewRecordOneWins", func(t *testing.T) {
		st := open(t)
		var won atomic.Int32
		racetest.Run(t, 50, func() error {
			_, ok, err := st.Claim(ctx, id, t0, cooldown, keep)
			if ok {
				won.Add(1)
			}
			return err
		})
		if won.Load() != 1 {
			t.Fatalf("%d of 50 concurrent first claims won, want 1", won.Load())
		}
	})

	t.Run("FiftyConcurrentWrongTriesCountExactlyTheLimit", func(t *testing.T) {
		st := open(t)
		issue(t, st, t0, "h1")
		var counted atomic.Int32
		racetest.Run(t, 50, func() error {
			ok, err := st.Fail(ctx, id, "h1", t0, max)
			if ok {
				counted.Add(1)
			}
			return err
		})
		if counted.Load() != max {
			t.Fatalf("%d of 50 concurrent wrong tries counted, want %d", counted.Load(), max)
		}
		if r := get(t, st, t0); r.Attempts != max {
			t.Fatalf("attempts %d, want %d", r.Attempts, max)
		}
	})

	t.Run("FiftyConcurrentUsesOneWins", func(t *testing.T) {
		st := open(t)
		issue(t, st, t0, "h1")
		var won atomic.Int32
		racetest.Run(t, 50, func() error {
			ok, err := st.Use(ctx, id, "h1", t0, max)
			if ok {
				won.Add(1)
			}
			return err
		})
		if won.Load() != 1 {
			t.Fatalf("%d of 50 concurrent uses won, want 1", won.Load())
		}
	})
}
