// Package passwordresettest is the contract of passwordreset.Store, run on every engine.
package passwordresettest

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"jszg/server/passwordreset"
)

// Run checks the contract; open returns an empty store of the engine under test.
func Run(t *testing.T, open func(t *testing.T) passwordreset.Store) {
	ctx := context.Background()
	now := time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)
	sample := func(id string) *passwordreset.Ticket {
		return &passwordreset.Ticket{ID: id, Kind: passwordreset.KindLink, AccountID: "a1", DocNumber: "11010519491231002X",
			Channel: "email", Stamp: "stamp", CreatedAt: now, ExpiresAt: now.Add(24 * time.Hour)}
	}

	t.Run("InsertGetAndExpiry", func(t *testing.T) {
		st := open(t)
		want := sample("t1")
		if err := st.Insert(ctx, want); err != nil {
			t.Fatal(err)
		}
		got, err := st.Get(ctx, "t1", now)
		if err != nil {
			t.Fatal(err)
		}
		if *got != *want {
			t.Fatalf("got %+v\nwant %+v", got, want)
		}
		if _, err := st.Get(ctx, "t1", now.Add(24*time.Hour)); !errors.Is(err, passwordreset.ErrNotFound) {
			t.Fatalf("expired ticket: %v, want ErrNotFound", err)
		}
		if _, err := st.Get(ctx, "nope", now); !errors.Is(err, passwordreset.ErrNotFound) {
			t.Fatalf("unknown ticket: %v, want ErrNotFound", err)
		}
		if ok, err := st.Use(ctx, "t1", now.Add(25*time.Hour)); err != nil || ok {
			t.Fatalf("use of an expired ticket: %v, %v; want false", ok, err)
		}
	})

	t.Run("SceneOfALiveTicket", func(t *testing.T) {
		st := open(t)
		if err := st.Insert(ctx, sample("t1")); err != nil {
			t.Fatal(err)
		}
		if err := st.SetScene(ctx, "t1", "scene-1", now); err != nil {
			t.Fatal(err)
		}
		if got, _ := st.Get(ctx, "t1", now); got == nil || got.Scene != "scene-1" {
			t.Fatalf("scene %+v, want scene-1", got)
		}
	})

	t.Run("OneUseUnderConcurrency", func(t *testing.T) {
		st := open(t)
		if err := st.Insert(ctx, sample("t1")); err != nil {
			t.Fatal(err)
		}
		var wins atomic.Int32
		var wg sync.WaitGroup
		for range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ok, err := st.Use(ctx, "t1", now.Add(time.Minute))
				if err != nil {
					t.Error(err)
				}
				if ok {
					wins.Add(1)
				}
			}()
		}
		wg.Wait()
		if wins.Load() != 1 {
			t.Fatalf("%d uses won, want 1", wins.Load())
		}
		got, err := st.Get(ctx, "t1", now.Add(time.Minute))
		if err != nil || !got.UsedAt.Equal(now.Add(time.Minute)) {
			t.Fatalf("used ticket %+v, %v", got, err)
		}
	})
}
