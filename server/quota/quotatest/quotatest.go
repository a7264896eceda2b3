// Package quotatest is the contract of quota.Store: every engine runs it (the sqlite and mongo
// packages' tests), so that the same inputs give the same answers on each.
package quotatest

import (
	"context"
	"sync"
	"testing"
	"time"

	"jszg/server/quota"
)

// Run checks st against the contract; open returns an empty store of the engine under test.
func Run(t *testing.T, open func(t *testing.T) quota.Store) {
	ctx := context.Background()
	exp := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

	t.Run("AddCreatesAndCounts", func(t *testing.T) {
		st := open(t)
		if n, err := st.Count(ctx, "a"); err != nil || n != 0 {
			t.Fatalf("missing counter: %d, %v; want 0", n, err)
		}
		for want := 1; want <= 3; want++ {
			n, err := st.Add(ctx, "a", 1, exp)
			if err != nil || n != want {
				t.Fatalf("add: %d, %v; want %d", n, err, want)
			}
		}
		if n, _ := st.Add(ctx, "a", -1, exp); n != 2 {
			t.Fatalf("after -1: %d, want 2", n)
		}
		if n, _ := st.Count(ctx, "a"); n != 2 {
			t.Fatalf("count %d, want 2", n)
		}
		if n, _ := st.Count(ctx, "b"); n != 0 {
			t.Fatalf("other key %d, want 0", n)
		}
	})

	t.Run("ConcurrentAddsAreNeverLost", func(t *testing.T) {
		st := open(t)
		var wg sync.WaitGroup
		seen := make(chan int, 50)
		for i := 0; i < 50; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := st.Add(ctx, "race", 1, exp)
				if err != nil {
					t.Error(err)
				}
				seen <- n
			}()
		}
		wg.Wait()
		close(seen)
		got := map[int]bool{}
		for n := range seen {
			if got[n] {
				t.Fatalf("two adds both saw %d", n)
			}
			got[n] = true
		}
		if n, _ := st.Count(ctx, "race"); n != 50 || len(got) != 50 {
			t.Fatalf("count %d, distinct results %d; want 50 and 50", n, len(got))
		}
	})
}
