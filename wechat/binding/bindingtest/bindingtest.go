// Package bindingtest is the contract of binding.Store, run by every engine's tests: one account
// per openid and one openid per account, also when two binds race.
package bindingtest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"jszg/wechat/binding"
)

// Run checks the store; open returns an empty store of the engine under test.
func Run(t *testing.T, open func(t *testing.T) binding.Store) {
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)

	t.Run("InsertAndFind", func(t *testing.T) {
		st := open(t)
		b := binding.Binding{AccountID: "acc-1", OpenID: "o-1", Via: binding.ViaScan, BoundAt: now, Followed: true}
		if err := st.Insert(ctx, b); err != nil {
			t.Fatal(err)
		}
		for name, get := range map[string]func() (*binding.Binding, error){
			"by account": func() (*binding.Binding, error) { return st.ByAccount(ctx, "acc-1") },
			"by openid":  func() (*binding.Binding, error) { return st.ByOpenID(ctx, "o-1") },
		} {
			got, err := get()
			if err != nil || *got != b {
				t.Fatalf("%s: %+v %v, want %+v", name, got, err, b)
			}
		}
		if _, err := st.ByAccount(ctx, "acc-2"); !errors.Is(err, binding.ErrNotBound) {
			t.Fatalf("unknown account: %v", err)
		}
		if _, err := st.ByOpenID(ctx, "o-2"); !errors.Is(err, binding.ErrNotBound) {
			t.Fatalf("unknown openid: %v", err)
		}
	})

	t.Run("UniqueBothWays", func(t *testing.T) {
		st := open(t)
		_ = st.Insert(ctx, binding.Binding{AccountID: "acc-1", OpenID: "o-1", Via: binding.ViaScan, BoundAt: now})
		for _, b := range []binding.Binding{
			{AccountID: "acc-1", OpenID: "o-2", Via: binding.ViaOAuth, BoundAt: now},
			{AccountID: "acc-2", OpenID: "o-1", Via: binding.ViaOAuth, BoundAt: now},
			{AccountID: "acc-1", OpenID: "o-1", Via: binding.ViaOAuth, BoundAt: now},
		} {
			if err := st.Insert(ctx, b); !errors.Is(err, binding.ErrExists) {
				t.Fatalf("insert %+v: %v, want ErrExists", b, err)
			}
		}
		if got, _ := st.ByAccount(ctx, "acc-1"); got.OpenID != "o-1" || got.Via != binding.ViaScan {
			t.Fatalf("the first binding changed: %+v", got)
		}
	})

	t.Run("DeleteAndRebind", func(t *testing.T) {
		st := open(t)
		_ = st.Insert(ctx, binding.Binding{AccountID: "acc-1", OpenID: "o-1", Via: binding.ViaScan, BoundAt: now})
		if err := st.Delete(ctx, "acc-1"); err != nil {
			t.Fatal(err)
		}
		if err := st.Delete(ctx, "acc-1"); !errors.Is(err, binding.ErrNotBound) {
			t.Fatalf("second delete: %v", err)
		}
		if err := st.Insert(ctx, binding.Binding{AccountID: "acc-2", OpenID: "o-1", Via: binding.ViaOAuth, BoundAt: now}); err != nil {
			t.Fatalf("the openid is free again: %v", err)
		}
	})

	t.Run("FollowAndUnfollow", func(t *testing.T) {
		st := open(t)
		_ = st.Insert(ctx, binding.Binding{AccountID: "acc-1", OpenID: "o-1", Via: binding.ViaScan, BoundAt: now, Followed: true})
		later := now.Add(time.Hour)
		if err := st.SetFollowed(ctx, "o-1", false, later); err != nil {
			t.Fatal(err)
		}
		if b, _ := st.ByAccount(ctx, "acc-1"); b.Followed || !b.UnfollowedAt.Equal(later) {
			t.Fatalf("after unfollow: %+v", b)
		}
		if err := st.SetFollowed(ctx, "o-1", true, later.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if b, _ := st.ByAccount(ctx, "acc-1"); !b.Followed || !b.UnfollowedAt.IsZero() {
			t.Fatalf("after follow: %+v", b)
		}
		if err := st.SetFollowed(ctx, "o-unbound", false, later); err != nil {
			t.Fatalf("unbound openid: %v", err)
		}
		if _, err := st.ByOpenID(ctx, "o-unbound"); !errors.Is(err, binding.ErrNotBound) {
			t.Fatal("a follow created a binding")
		}
	})

	// Two binds at once, of one account to two WeChat users and of two accounts to one WeChat
	// user: one wins each time.
	t.Run("TwoBindsAtOnceOneWins", func(t *testing.T) {
		st := open(t)
		for name, pair := range map[string][2]binding.Binding{
			"one account": {{AccountID: "acc-A", OpenID: "o-A1"}, {AccountID: "acc-A", OpenID: "o-A2"}},
			"one openid":  {{AccountID: "acc-B1", OpenID: "o-B"}, {AccountID: "acc-B2", OpenID: "o-B"}},
		} {
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i, b := range pair {
				b.Via, b.BoundAt = binding.ViaScan, now
				wg.Add(1)
				go func() { defer wg.Done(); errs[i] = st.Insert(ctx, b) }()
			}
			wg.Wait()
			won := 0
			for _, err := range errs {
				switch {
				case err == nil:
					won++
				case !errors.Is(err, binding.ErrExists):
					t.Fatalf("%s: %v", name, err)
				}
			}
			if won != 1 {
				t.Fatalf("%s: %d binds won, want 1 (%v)", name, won, errs)
			}
		}
	})
}
