// Package wechattest is the contract of the WeChat stores that belong to package wechat itself
// (the OAuth states), run by every engine's tests; the other WeChat stores have theirs beside
// their packages (accesstokentest, bindingtest, scenetest, callbacktest, noticetest).
package wechattest

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"jszg/wechat"
)

// RunOAuthStates checks the OAuth state store; open returns an empty one of the engine under test.
func RunOAuthStates(t *testing.T, open func(t *testing.T) wechat.OAuthStates) {
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)

	t.Run("UsedOnce", func(t *testing.T) {
		st := open(t)
		if err := st.Put(ctx, "s1", "acc-1", now.Add(10*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if acc, ok, err := st.Take(ctx, "s1", now); err != nil || !ok || acc != "acc-1" {
			t.Fatalf("take: %q %v %v", acc, ok, err)
		}
		if _, ok, err := st.Take(ctx, "s1", now); err != nil || ok {
			t.Fatalf("second take: %v %v", ok, err)
		}
		if _, ok, err := st.Take(ctx, "unknown", now); err != nil || ok {
			t.Fatalf("unknown: %v %v", ok, err)
		}
	})

	t.Run("ExpiredIsRefusedAndGone", func(t *testing.T) {
		st := open(t)
		_ = st.Put(ctx, "s1", "acc-1", now.Add(10*time.Minute))
		if _, ok, _ := st.Take(ctx, "s1", now.Add(10*time.Minute)); ok {
			t.Fatal("an expired state was accepted")
		}
		if _, ok, _ := st.Take(ctx, "s1", now); ok {
			t.Fatal("a refused state could be used again")
		}
	})

	t.Run("TakenAtOnceByOne", func(t *testing.T) {
		st := open(t)
		_ = st.Put(ctx, "s1", "acc-1", now.Add(10*time.Minute))
		var won atomic.Int32
		var wg sync.WaitGroup
		for i := 0; i < 5; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, ok, err := st.Take(ctx, "s1", now); ok {
					won.Add(1)
				} else if err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if won.Load() != 1 {
			t.Fatalf("%d takes won, want 1", won.Load())
		}
	})
}
