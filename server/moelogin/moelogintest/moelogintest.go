// Package moelogintest is the contract of moelogin.Store, run on every engine.
package moelogintest

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"jszg/server/moelogin"
)

// Run checks the contract; open returns an empty store of the engine under test.
func Run(t *testing.T, open func(t *testing.T) moelogin.Store) {
	ctx := context.Background()
	now := time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)

	t.Run("GetKeepsTakeRemoves", func(t *testing.T) {
		st := open(t)
		if err := st.Put(ctx, "s1", "v1", now.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if v, ok, err := st.Get(ctx, "s1", now); err != nil || !ok || v != "v1" {
				t.Fatalf("get: %q %v %v", v, ok, err)
			}
		}
		if _, ok, err := st.Get(ctx, "s1", now.Add(time.Minute)); err != nil || ok {
			t.Fatalf("expired get: %v %v, want not ok", ok, err)
		}
		if _, ok, err := st.Take(ctx, "s1", now.Add(time.Minute)); err != nil || ok {
			t.Fatalf("expired take: %v %v, want not ok", ok, err)
		}
		if v, ok, err := st.Take(ctx, "s1", now); err != nil || !ok || v != "v1" {
			t.Fatalf("take: %q %v %v", v, ok, err)
		}
		if _, ok, err := st.Take(ctx, "s1", now); err != nil || ok {
			t.Fatalf("second take: %v %v, want not ok", ok, err)
		}
	})

	t.Run("OneTakerUnderConcurrency", func(t *testing.T) {
		st := open(t)
		if err := st.Put(ctx, "s1", "v1", now.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		var wins atomic.Int32
		var wg sync.WaitGroup
		for range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, ok, err := st.Take(ctx, "s1", now)
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
			t.Fatalf("%d takers won, want 1", wins.Load())
		}
	})
}
