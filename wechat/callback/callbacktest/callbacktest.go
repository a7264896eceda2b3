// Package callbacktest is the contract of callback.Store, run by every engine's tests: a push
// identity is handled once while remembered, also when WeChat's retries arrive together.
package callbacktest

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"jszg/wechat/callback"
)

// Run checks the store; open returns an empty store of the engine under test.
func Run(t *testing.T, open func(t *testing.T) callback.Store) {
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)
	until := now.Add(11 * time.Minute)

	t.Run("ClaimOnceUntilExpiry", func(t *testing.T) {
		st := open(t)
		steps := []struct {
			id   string
			at   time.Time
			want bool
		}{
			{"msg|1", now, true},
			{"msg|1", now.Add(time.Minute), false},
			{"msg|2", now, true},
			{"msg|1", until.Add(-time.Second), false},
			{"msg|1", until, true}, // expired, not yet swept: new again
			{"msg|1", until.Add(time.Second), false},
		}
		for i, s := range steps {
			got, err := st.Claim(ctx, s.id, s.at, s.at.Add(11*time.Minute))
			if err != nil || got != s.want {
				t.Fatalf("step %d (%s at %s): %v %v, want %v", i, s.id, s.at, got, err, s.want)
			}
		}
	})

	t.Run("Forget", func(t *testing.T) {
		st := open(t)
		_, _ = st.Claim(ctx, "msg|1", now, until)
		if err := st.Forget(ctx, "msg|1"); err != nil {
			t.Fatal(err)
		}
		if ok, _ := st.Claim(ctx, "msg|1", now, until); !ok {
			t.Fatal("a forgotten push was not new")
		}
		if err := st.Forget(ctx, "never"); err != nil {
			t.Fatalf("forget unknown: %v", err)
		}
	})

	t.Run("RetriesAtOnceOneHandled", func(t *testing.T) {
		st := open(t)
		var won atomic.Int32
		var wg sync.WaitGroup
		for i := 0; i < 10; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ok, err := st.Claim(ctx, "event|o|1|event|subscribe|", now, until)
				if err != nil {
					t.Error(err)
				}
				if ok {
					won.Add(1)
				}
			}()
		}
		wg.Wait()
		if won.Load() != 1 {
			t.Fatalf("%d claims won, want 1", won.Load())
		}
	})
}
