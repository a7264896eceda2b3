package quota_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"jszg/server/clock"
	"jszg/server/quota"
	"jszg/server/store/storetest"
)

func TestFiftyRacersForThreeSlots(t *testing.T) {
	st := storetest.Open(t)
	clk := clock.NewFake(time.Date(2026, 5, 1, 10, 0, 30, 0, clock.China))
	q := quota.New(st.Quotas, clk)
	daily := quota.Limit{Name: "realname", Max: 3, Window: quota.ChinaDay}
	var wins, refused atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := q.Take(context.Background(), "acct1", daily)
			var ex *quota.Exceeded
			switch {
			case err == nil:
				wins.Add(1)
			case errors.As(err, &ex):
				refused.Add(1)
			default:
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if wins.Load() != 3 || refused.Load() != 47 {
		t.Fatalf("wins %d refused %d, want 3 and 47", wins.Load(), refused.Load())
	}
	if left, _ := q.Remaining(context.Background(), "acct1", daily); left != 0 {
		t.Fatalf("remaining %d, want 0", left)
	}
	// The next China calendar day starts afresh; midnight in China is 16:00 UTC.
	clk.Set(time.Date(2026, 5, 2, 0, 0, 1, 0, clock.China))
	if _, err := q.Take(context.Background(), "acct1", daily); err != nil {
		t.Fatalf("next day: %v", err)
	}
}

func TestTakeIsAllOrNothing(t *testing.T) {
	st := storetest.Open(t)
	clk := clock.NewFake(time.Date(2026, 5, 1, 10, 0, 30, 0, time.UTC))
	q := quota.New(st.Quotas, clk)
	ctx := context.Background()
	hour := quota.Limit{Name: "h", Max: 5, Window: quota.Fixed(time.Hour)}
	day := quota.Limit{Name: "d", Max: 2, Window: quota.ChinaDay}
	for i := 0; i < 2; i++ {
		if _, err := q.Take(ctx, "k", hour, day); err != nil {
			t.Fatal(err)
		}
	}
	_, err := q.Take(ctx, "k", hour, day)
	var ex *quota.Exceeded
	if !errors.As(err, &ex) || ex.Limit != "d" {
		t.Fatalf("third take: %v, want the day limit exceeded", err)
	}
	// The refused take gave its hour slot back.
	if used, _ := q.Used(ctx, "k", hour); used != 2 {
		t.Fatalf("hour used %d, want 2", used)
	}
	if ex.RetryAfter <= 0 || ex.RetryAfter > 24*time.Hour {
		t.Fatalf("retry after %s", ex.RetryAfter)
	}
}

func TestReleaseGivesTheSlotBack(t *testing.T) {
	st := storetest.Open(t)
	q := quota.New(st.Quotas, clock.NewFake(time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)))
	ctx := context.Background()
	l := quota.Limit{Name: "x", Max: 1, Window: quota.Fixed(time.Minute)}
	g, err := q.Take(ctx, "k", l)
	if err != nil {
		t.Fatal(err)
	}
	g.Release(ctx)
	g.Release(ctx) // twice is harmless
	if _, err := q.Take(ctx, "k", l); err != nil {
		t.Fatalf("after release: %v", err)
	}
}
