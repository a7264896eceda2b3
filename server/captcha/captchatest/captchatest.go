// Package captchatest is the contract of captcha.Store: every engine runs it (the sqlite and
// mongo packages' tests), so that a puzzle gives one attempt and a pass one redemption on each,
// however many requests race.
package captchatest

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"jszg/server/captcha"
	"jszg/server/racetest"
)

// Run checks the store against the contract; open returns an empty store of the engine under test.
func Run(t *testing.T, open func(t *testing.T) captcha.Store) {
	ctx := context.Background()
	t0 := time.Date(2025, 3, 1, 1, 0, 0, 0, time.UTC)
	exp := t0.Add(2 * time.Minute)

	t.Run("PuzzleIsReadUntilTaken", func(t *testing.T) {
		st := open(t)
		if err := st.PutPuzzle(ctx, "p1", 137, exp); err != nil {
			t.Fatal(err)
		}
		if err := st.PutPuzzle(ctx, "p2", 42, exp); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if x, ok, err := st.Puzzle(ctx, "p1", t0); err != nil || !ok || x != 137 {
				t.Fatalf("read: %d, %v, %v; want 137", x, ok, err)
			}
		}
		if x, ok, err := st.TakePuzzle(ctx, "p1", t0); err != nil || !ok || x != 137 {
			t.Fatalf("take: %d, %v, %v; want 137", x, ok, err)
		}
		if _, ok, err := st.TakePuzzle(ctx, "p1", t0); err != nil || ok {
			t.Fatalf("second take: %v, %v; want none", ok, err)
		}
		if _, ok, err := st.Puzzle(ctx, "p1", t0); err != nil || ok {
			t.Fatalf("read after take: %v, %v; want none", ok, err)
		}
		if x, ok, _ := st.Puzzle(ctx, "p2", t0); !ok || x != 42 {
			t.Fatalf("the other puzzle: %d, %v; want 42", x, ok)
		}
	})

	t.Run("UnknownPuzzle", func(t *testing.T) {
		st := open(t)
		if _, ok, err := st.Puzzle(ctx, "nope", t0); err != nil || ok {
			t.Fatalf("read: %v, %v", ok, err)
		}
		if _, ok, err := st.TakePuzzle(ctx, "nope", t0); err != nil || ok {
			t.Fatalf("take: %v, %v", ok, err)
		}
	})

	t.Run("PuzzleExpiresAtItsTime", func(t *testing.T) {
		st := open(t)
		_ = st.PutPuzzle(ctx, "p1", 100, exp)
		if _, ok, _ := st.Puzzle(ctx, "p1", exp.Add(-time.Millisecond)); !ok {
			t.Fatal("gone a millisecond before its expiry")
		}
		if _, ok, _ := st.Puzzle(ctx, "p1", exp); ok {
			t.Fatal("read at its expiry time")
		}
		if _, ok, _ := st.TakePuzzle(ctx, "p1", exp); ok {
			t.Fatal("taken at its expiry time")
		}
		// The expired take removed it: an earlier clock does not bring it back.
		if _, ok, _ := st.TakePuzzle(ctx, "p1", t0); ok {
			t.Fatal("an expired puzzle was taken twice")
		}
	})

	t.Run("PassIsRedeemedOnce", func(t *testing.T) {
		st := open(t)
		if err := st.PutPass(ctx, "hash1", exp); err != nil {
			t.Fatal(err)
		}
		if found, live, err := st.TakePass(ctx, "hash1", t0); err != nil || !found || !live {
			t.Fatalf("first take: %v %v %v; want found and live", found, live, err)
		}
		if found, _, err := st.TakePass(ctx, "hash1", t0); err != nil || found {
			t.Fatalf("second take: found %v, %v", found, err)
		}
		if found, _, err := st.TakePass(ctx, "other", t0); err != nil || found {
			t.Fatalf("unknown pass: found %v, %v", found, err)
		}
	})

	t.Run("PassExpiresAtItsTime", func(t *testing.T) {
		st := open(t)
		_ = st.PutPass(ctx, "h1", exp)
		_ = st.PutPass(ctx, "h2", exp)
		if found, live, _ := st.TakePass(ctx, "h1", exp.Add(-time.Millisecond)); !found || !live {
			t.Fatalf("a millisecond before expiry: found %v live %v", found, live)
		}
		if found, live, _ := st.TakePass(ctx, "h2", exp); !found || live {
			t.Fatalf("at expiry: found %v live %v; want found, not live", found, live)
		}
		if found, _, _ := st.TakePass(ctx, "h2", t0); found {
			t.Fatal("an expired pass was taken twice")
		}
	})

	t.Run("PuzzlesAndPassesAreApart", func(t *testing.T) {
		st := open(t)
		_ = st.PutPuzzle(ctx, "same", 10, exp)
		if found, _, _ := st.TakePass(ctx, "same", t0); found {
			t.Fatal("a puzzle id redeemed as a pass")
		}
		_ = st.PutPass(ctx, "pass", exp)
		if _, ok, _ := st.TakePuzzle(ctx, "pass", t0); ok {
			t.Fatal("a pass taken as a puzzle")
		}
	})

	t.Run("FiftyConcurrentTakesOfAPuzzleOneWins", func(t *testing.T) {
		st := open(t)
		_ = st.PutPuzzle(ctx, "p1", 77, exp)
		var won atomic.Int32
		racetest.Run(t, 50, func() error {
			x, ok, err := st.TakePuzzle(ctx, "p1", t0)
			if ok {
				won.Add(1)
				if x != 77 {
					t.Errorf("took x=%d, want 77", x)
				}
			}
			return err
		})
		if won.Load() != 1 {
			t.Fatalf("%d of 50 concurrent takes got the puzzle, want 1", won.Load())
		}
	})

	t.Run("FiftyConcurrentTakesOfAPassOneWins", func(t *testing.T) {
		st := open(t)
		_ = st.PutPass(ctx, "h1", exp)
		var won atomic.Int32
		racetest.Run(t, 50, func() error {
			found, live, err := st.TakePass(ctx, "h1", t0)
			if found && live {
				won.Add(1)
			}
			return err
		})
		if won.Load() != 1 {
			t.Fatalf("%d of 50 concurrent takes got the pass, want 1", won.Load())
		}
	})
}
