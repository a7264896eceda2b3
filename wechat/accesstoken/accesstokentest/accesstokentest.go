// Package accesstokentest is the contract of accesstoken.Store, run by every engine's tests so
// that the shared token behaves the same on each: one lease per generation, however many
// instances ask at once.
package accesstokentest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"jszg/wechat/accesstoken"
)

// Run checks the store; open returns an empty store of the engine under test.
func Run(t *testing.T, open func(t *testing.T) accesstoken.Store) {
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)
	lease := now.Add(accesstoken.LeaseTTL)

	t.Run("MissingRecord", func(t *testing.T) {
		st := open(t)
		if _, err := st.Get(ctx, "app"); !errors.Is(err, accesstoken.ErrNotFound) {
			t.Fatalf("get: %v, want ErrNotFound", err)
		}
	})

	t.Run("LeaseRefreshAndGeneration", func(t *testing.T) {
		st := open(t)
		if ok, err := st.Claim(ctx, "app", 0, "a", now, lease); err != nil || !ok {
			t.Fatalf("first claim: %v %v", ok, err)
		}
		if ok, _ := st.Claim(ctx, "app", 0, "b", now, lease); ok {
			t.Fatal("a held lease was taken")
		}
		r, err := st.Get(ctx, "app")
		if err != nil || r.LeaseOwner != "a" || !r.LeaseUntil.Equal(lease) || r.Gen != 0 || r.Token != "" {
			t.Fatalf("after claim: %+v %v", r, err)
		}
		// Only the owner writes.
		tok := accesstoken.Token{Token: "T1", FetchedAt: now, ExpiresAt: now.Add(2 * time.Hour), RefreshAt: now.Add(115 * time.Minute)}
		if err := st.Put(ctx, "app", "b", accesstoken.Token{Token: "wrong"}); err != nil {
			t.Fatal(err)
		}
		if err := st.Put(ctx, "app", "a", tok); err != nil {
			t.Fatal(err)
		}
		r, _ = st.Get(ctx, "app")
		if r.Token != "T1" || r.Gen != 1 || r.LeaseOwner != "" || !r.LeaseUntil.IsZero() ||
			!r.ExpiresAt.Equal(tok.ExpiresAt) || !r.RefreshAt.Equal(tok.RefreshAt) || !r.FetchedAt.Equal(now) {
			t.Fatalf("after put: %+v", r)
		}
		// Whoever saw generation 0 can no longer claim.
		if ok, _ := st.Claim(ctx, "app", 0, "late", now.Add(time.Minute), lease.Add(time.Minute)); ok {
			t.Fatal("a claim of an old generation succeeded")
		}
		if ok, _ := st.Claim(ctx, "app", 1, "c", now, lease); !ok {
			t.Fatal("claim of the current generation refused")
		}
		// A lapsed lease can be taken over; a released one at once.
		if ok, _ := st.Claim(ctx, "app", 1, "d", lease.Add(time.Second), lease.Add(time.Minute)); !ok {
			t.Fatal("a lapsed lease was not taken over")
		}
		if err := st.Release(ctx, "app", "c"); err != nil {
			t.Fatal(err)
		}
		if r, _ := st.Get(ctx, "app"); r.LeaseOwner != "d" {
			t.Fatalf("a former owner released the lease: %+v", r)
		}
		if err := st.Release(ctx, "app", "d"); err != nil {
			t.Fatal(err)
		}
		if ok, _ := st.Claim(ctx, "app", 1, "e", now, lease); !ok {
			t.Fatal("a released lease was not free")
		}
	})

	t.Run("Invalidate", func(t *testing.T) {
		st := open(t)
		_, _ = st.Claim(ctx, "app", 0, "a", now, lease)
		_ = st.Put(ctx, "app", "a", accesstoken.Token{Token: "T1", FetchedAt: now, ExpiresAt: now.Add(time.Hour), RefreshAt: now.Add(time.Hour)})
		if err := st.Invalidate(ctx, "app", "other"); err != nil {
			t.Fatal(err)
		}
		if r, _ := st.Get(ctx, "app"); r.ExpiresAt.IsZero() {
			t.Fatal("invalidating another token changed the current one")
		}
		if err := st.Invalidate(ctx, "app", "T1"); err != nil {
			t.Fatal(err)
		}
		if r, _ := st.Get(ctx, "app"); !r.ExpiresAt.IsZero() || !r.RefreshAt.IsZero() || r.Token != "T1" {
			t.Fatalf("after invalidate: %+v", r)
		}
		if _, err := st.Get(ctx, "other-app"); !errors.Is(err, accesstoken.ErrNotFound) {
			t.Fatal("AppIDs are not separate")
		}
	})

	// Ten refreshers at once, on a missing record and then on a stale one: one lease each time.
	t.Run("TenRefreshersOneLease", func(t *testing.T) {
		st := open(t)
		for round, gen := range []int64{0, 1} {
			var wg sync.WaitGroup
			var mu sync.Mutex
			var winners []string
			for i := 0; i < 10; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					owner := fmt.Sprintf("r%d-%d", round, i)
					ok, err := st.Claim(ctx, "app", gen, owner, now, lease)
					if err != nil {
						t.Error(err)
					}
					if ok {
						mu.Lock()
						winners = append(winners, owner)
						mu.Unlock()
					}
				}()
			}
			wg.Wait()
			if len(winners) != 1 {
				t.Fatalf("round %d: %d leases (%v), want 1", round, len(winners), winners)
			}
			if err := st.Put(ctx, "app", winners[0], accesstoken.Token{Token: "T", FetchedAt: now}); err != nil {
				t.Fatal(err)
			}
		}
		if r, _ := st.Get(ctx, "app"); r.Gen != 2 {
			t.Fatalf("gen %d after two refreshes", r.Gen)
		}
	})
}
