// Package scenetest is the contract of scene.Store, run by every engine's tests: the first
// scanner owns a scene, its status moves only along the drawn transitions, and a code is
// recorded once however many scans arrive together.
package scenetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"jszg/wechat/scene"
)

// Run checks the store; open returns an empty store of the engine under test.
func Run(t *testing.T, open func(t *testing.T) scene.Store) {
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)
	newScene := func(t *testing.T, st scene.Store, id, purpose, account string) *scene.Scene {
		t.Helper()
		sc := &scene.Scene{ID: id, Purpose: purpose, AccountID: account, Status: scene.StatusWaiting, QR: []byte("\x89PNG qr"),
			CreatedAt: now, ExpiresAt: now.Add(scene.TTL), PurgeAt: now.Add(time.Hour)}
		if err := st.Insert(ctx, sc); err != nil {
			t.Fatal(err)
		}
		return sc
	}

	t.Run("InsertAndGet", func(t *testing.T) {
		st := open(t)
		sc := newScene(t, st, "s1", scene.PurposeBind, "acc-1")
		got, err := st.Get(ctx, "s1", true)
		if err != nil || string(got.QR) != string(sc.QR) {
			t.Fatalf("with image: %+v %v", got, err)
		}
		got, err = st.Get(ctx, "s1", false)
		if err != nil || got.QR != nil {
			t.Fatalf("without image: %+v %v", got, err)
		}
		want := *sc
		want.QR = nil
		if !reflect.DeepEqual(*got, want) {
			t.Fatalf("got %+v, want %+v", got, want)
		}
		if _, err := st.Get(ctx, "nope", false); !errors.Is(err, scene.ErrNotFound) {
			t.Fatalf("unknown: %v", err)
		}
	})

	t.Run("FirstScannerOwns", func(t *testing.T) {
		st := open(t)
		newScene(t, st, "s1", scene.PurposeRegister, "")
		sc, err := st.Claim(ctx, "s1", "o-1", now)
		if err != nil || sc.OpenID != "o-1" || sc.Status != scene.StatusWaiting || sc.QR != nil || sc.Purpose != scene.PurposeRegister {
			t.Fatalf("first claim: %+v %v", sc, err)
		}
		if _, err := st.Claim(ctx, "s1", "o-2", now); !errors.Is(err, scene.ErrNotFound) {
			t.Fatalf("second scanner: %v", err)
		}
		if _, err := st.Claim(ctx, "s1", "o-1", now); err != nil {
			t.Fatalf("the owner again: %v", err)
		}
		// Released by its owner only, then free for anyone.
		_ = st.Release(ctx, "s1", "o-2")
		if _, err := st.Claim(ctx, "s1", "o-2", now); !errors.Is(err, scene.ErrNotFound) {
			t.Fatal("released by a stranger")
		}
		if err := st.Release(ctx, "s1", "o-1"); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Claim(ctx, "s1", "o-2", now); err != nil {
			t.Fatalf("after release: %v", err)
		}
		// An expired QR code or an unknown scene cannot be claimed.
		newScene(t, st, "s2", scene.PurposeRegister, "")
		if _, err := st.Claim(ctx, "s2", "o-1", now.Add(scene.TTL)); !errors.Is(err, scene.ErrNotFound) {
			t.Fatalf("expired: %v", err)
		}
		if _, err := st.Claim(ctx, "nope", "o-1", now); !errors.Is(err, scene.ErrNotFound) {
			t.Fatalf("unknown: %v", err)
		}
	})

	t.Run("RegistrationTransitions", func(t *testing.T) {
		st := open(t)
		newScene(t, st, "s1", scene.PurposeRegister, "")
		_, _ = st.Claim(ctx, "s1", "o-1", now)
		if ok, err := st.CodeSent(ctx, "s1", "o-2", now); ok || err != nil {
			t.Fatalf("code recorded for a stranger: %v %v", ok, err)
		}
		if ok, err := st.CodeSent(ctx, "s1", "o-1", now); !ok || err != nil {
			t.Fatalf("code sent: %v %v", ok, err)
		}
		if ok, _ := st.CodeSent(ctx, "s1", "o-1", now); ok {
			t.Fatal("a code of the same instant recorded twice")
		}
		if ok, _ := st.CodeSent(ctx, "s1", "o-1", now.Add(-time.Second)); ok {
			t.Fatal("an earlier code overwrote a later one")
		}
		sc, _ := st.Get(ctx, "s1", false)
		if sc.Status != scene.StatusCodeSent || !sc.CodeAt.Equal(now) {
			t.Fatalf("after code: %+v", sc)
		}
		// A scene with a code stays its receiver's: no release, the receiver may scan again.
		_ = st.Release(ctx, "s1", "o-1")
		if _, err := st.Claim(ctx, "s1", "o-2", now); !errors.Is(err, scene.ErrNotFound) {
			t.Fatal("a scene with a code was released")
		}
		if _, err := st.Claim(ctx, "s1", "o-1", now.Add(time.Minute)); err != nil {
			t.Fatalf("the receiver again: %v", err)
		}
		if ok, _ := st.CodeSent(ctx, "s1", "o-1", now.Add(time.Minute)); !ok {
			t.Fatal("a later code was not recorded")
		}
		if err := st.Registered(ctx, "s1", "o-2", "acc-x"); err != nil {
			t.Fatal(err)
		}
		if sc, _ := st.Get(ctx, "s1", false); sc.Status != scene.StatusCodeSent {
			t.Fatal("registered by a stranger")
		}
		if err := st.Registered(ctx, "s1", "o-1", "acc-new"); err != nil {
			t.Fatal(err)
		}
		if sc, _ := st.Get(ctx, "s1", false); sc.Status != scene.StatusBound || sc.AccountID != "acc-new" {
			t.Fatalf("after registration: %+v", sc)
		}
		if _, err := st.Claim(ctx, "s1", "o-1", now.Add(2*time.Minute)); !errors.Is(err, scene.ErrNotFound) {
			t.Fatal("a bound scene was claimed")
		}
	})

	t.Run("BindTransitions", func(t *testing.T) {
		st := open(t)
		newScene(t, st, "s1", scene.PurposeBind, "acc-1")
		_, _ = st.Claim(ctx, "s1", "o-1", now)
		if err := st.Settle(ctx, "s1", "o-2", scene.StatusBound, ""); err != nil {
			t.Fatal(err)
		}
		if sc, _ := st.Get(ctx, "s1", false); sc.Status != scene.StatusWaiting {
			t.Fatal("settled by a stranger")
		}
		if err := st.Settle(ctx, "s1", "o-1", scene.StatusRejected, scene.ReasonOpenIDTaken); err != nil {
			t.Fatal(err)
		}
		if err := st.Settle(ctx, "s1", "o-1", scene.StatusBound, ""); err != nil {
			t.Fatal(err)
		}
		sc, _ := st.Get(ctx, "s1", false)
		if sc.Status != scene.StatusRejected || sc.Reason != scene.ReasonOpenIDTaken || sc.AccountID != "acc-1" {
			t.Fatalf("a settled scene changed: %+v", sc)
		}
	})

	// Two scans of one scene at once, by two WeChat users: one owner, and one code recorded.
	t.Run("TwoScansAtOnceOneOwnerOneCode", func(t *testing.T) {
		st := open(t)
		for round := 0; round < 5; round++ {
			id := fmt.Sprintf("race-%d", round)
			newScene(t, st, id, scene.PurposeRegister, "")
			var owners, codes atomic.Int32
			var wg sync.WaitGroup
			for i := 0; i < 2; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					openid := fmt.Sprintf("o-%d", i)
					if _, err := st.Claim(ctx, id, openid, now); errors.Is(err, scene.ErrNotFound) {
						return
					} else if err != nil {
						t.Error(err)
						return
					}
					owners.Add(1)
					if ok, err := st.CodeSent(ctx, id, openid, now); ok {
						codes.Add(1)
					} else if err != nil {
						t.Error(err)
					}
				}()
			}
			wg.Wait()
			if owners.Load() != 1 || codes.Load() != 1 {
				t.Fatalf("round %d: %d owners, %d codes; want 1 and 1", round, owners.Load(), codes.Load())
			}
		}
	})
}
