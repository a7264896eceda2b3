// Package reviewtest is the contract of review.Store and review.PhotoStore, run on every engine.
package reviewtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"jszg/server/review"
)

// Sample is a pending application of an account, submitted at t.
func Sample(id, accountID string, t time.Time) *review.Application {
	t = t.UTC().Truncate(time.Millisecond)
	return &review.Application{
		ID: id, AccountID: accountID, State: review.Pending, DocType: "id_card", DocNumber: "11010519491231002X",
		Name: "张三", ValidityTerm: "20y", ValidFrom: "2020-01-01", ValidUntil: "2040-01-01", Reason: "身份证已换领",
		SubmittedAt: t, DueAt: t.Add(9 * 24 * time.Hour),
	}
}

// Run checks the contract; open returns empty stores of the engine under test.
func Run(t *testing.T, open func(t *testing.T) (review.Store, review.PhotoStore)) {
	ctx := context.Background()
	now := time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)

	t.Run("CreateFindLatest", func(t *testing.T) {
		st, _ := open(t)
		a := Sample("r1", "acc", now)
		b := Sample("r2", "acc", now.Add(time.Hour))
		for _, x := range []*review.Application{a, b} {
			if err := st.Create(ctx, x); err != nil {
				t.Fatal(err)
			}
		}
		got, err := st.ByID(ctx, "r1")
		if err != nil || *got != *a {
			t.Fatalf("by id: %+v, %v\nwant %+v", got, err, a)
		}
		if got, err := st.Latest(ctx, "acc"); err != nil || got.ID != "r2" {
			t.Fatalf("latest: %+v, %v; want r2", got, err)
		}
		if _, err := st.Latest(ctx, "nobody"); !errors.Is(err, review.ErrNotFound) {
			t.Fatalf("latest of nobody: %v", err)
		}
		if _, err := st.ByID(ctx, "nope"); !errors.Is(err, review.ErrNotFound) {
			t.Fatalf("unknown id: %v", err)
		}
	})

	t.Run("PendingByDueDate", func(t *testing.T) {
		st, _ := open(t)
		for i, due := range []int{5, 1, 3} {
			a := Sample(fmt.Sprint("r", i), fmt.Sprint("acc", i), now)
			a.DueAt = now.Add(time.Duration(due) * 24 * time.Hour)
			if err := st.Create(ctx, a); err != nil {
				t.Fatal(err)
			}
		}
		list, err := st.Pending(ctx, 10)
		if err != nil || len(list) != 3 || list[0].ID != "r1" || list[1].ID != "r2" || list[2].ID != "r0" {
			t.Fatalf("pending: %v, %v", ids(list), err)
		}
	})

	t.Run("PendingDueFromPagesAndSetDue", func(t *testing.T) {
		st, _ := open(t)
		day := func(n int) time.Time { return now.Add(time.Duration(n) * 24 * time.Hour) }
		// r0 due before the start, r1 and r2 on the same day (ordered by id), r3 later, r4 decided.
		for i, due := range []int{1, 5, 5, 7, 6} {
			a := Sample(fmt.Sprint("r", i), fmt.Sprint("acc", i), now)
			a.DueAt = day(due)
			if err := st.Create(ctx, a); err != nil {
				t.Fatal(err)
			}
		}
		if ok, _ := st.Claim(ctx, "r4", "rev", now, now.Add(time.Hour)); !ok {
			t.Fatal("claim r4")
		}
		if ok, _ := st.Decide(ctx, "r4", "rev", review.Approved, "", now.Add(time.Minute)); !ok {
			t.Fatal("decide r4")
		}
		first, err := st.PendingDueFrom(ctx, day(5), "", 2)
		if err != nil || fmt.Sprint(ids(first)) != "[r1 r2]" {
			t.Fatalf("first page: %v, %v; want [r1 r2]", ids(first), err)
		}
		rest, err := st.PendingDueFrom(ctx, first[1].DueAt, first[1].ID, 2)
		if err != nil || fmt.Sprint(ids(rest)) != "[r3]" {
			t.Fatalf("second page: %v, %v; want [r3] (r4 is decided)", ids(rest), err)
		}
		if ok, err := st.SetDue(ctx, "r1", day(8), true); err != nil || !ok {
			t.Fatalf("set due: %v, %v", ok, err)
		}
		got, _ := st.ByID(ctx, "r1")
		if !got.DueAt.Equal(day(8)) || !got.DueProvisional {
			t.Fatalf("after SetDue: due %v provisional %v", got.DueAt, got.DueProvisional)
		}
		if ok, _ := st.SetDue(ctx, "r4", day(9), false); ok {
			t.Fatal("the due date of a decided application changed")
		}
		if ok, _ := st.SetDue(ctx, "nope", day(9), false); ok {
			t.Fatal("SetDue of an unknown id reported a change")
		}
		if list, _ := st.Pending(ctx, 10); fmt.Sprint(ids(list)) != "[r0 r2 r3 r1]" {
			t.Fatalf("pending after SetDue: %v; want [r0 r2 r3 r1]", ids(list))
		}
	})

	t.Run("TwoReviewersClaimOneWins", func(t *testing.T) {
		st, _ := open(t)
		if err := st.Create(ctx, Sample("r1", "acc", now)); err != nil {
			t.Fatal(err)
		}
		var wins atomic.Int32
		var winner atomic.Value
		var wg sync.WaitGroup
		for i := range 10 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				who := fmt.Sprint("reviewer", i)
				ok, err := st.Claim(ctx, "r1", who, now, now.Add(30*time.Minute))
				if err != nil {
					t.Error(err)
				}
				if ok {
					wins.Add(1)
					winner.Store(who)
				}
			}()
		}
		wg.Wait()
		if wins.Load() != 1 {
			t.Fatalf("%d reviewers won the claim, want 1", wins.Load())
		}
		w := winner.Load().(string)
		other := "someone-else"
		if ok, _ := st.Decide(ctx, "r1", other, review.Approved, "", now.Add(time.Minute)); ok {
			t.Fatal("a reviewer without the claim decided")
		}
		// The lease runs out: another reviewer may claim, and the first may no longer decide.
		later := now.Add(31 * time.Minute)
		if ok, err := st.Claim(ctx, "r1", other, later, later.Add(30*time.Minute)); err != nil || !ok {
			t.Fatalf("claim after the lease ran out: %v, %v", ok, err)
		}
		if ok, _ := st.Decide(ctx, "r1", w, review.Approved, "", later); ok {
			t.Fatal("the first reviewer decided after losing the lease")
		}
		if ok, err := st.Decide(ctx, "r1", other, review.Rejected, "照片不清晰", later.Add(time.Minute)); err != nil || !ok {
			t.Fatalf("decide: %v, %v", ok, err)
		}
		got, _ := st.ByID(ctx, "r1")
		if got.State != review.Rejected || got.Decision != "照片不清晰" || got.DecidedBy != other || !got.DecidedAt.Equal(later.Add(time.Minute)) {
			t.Fatalf("decided: %+v", got)
		}
		if ok, _ := st.Claim(ctx, "r1", other, later, later.Add(time.Hour)); ok {
			t.Fatal("a decided application was claimed")
		}
		if ok, _ := st.Decide(ctx, "r1", other, review.Approved, "", later.Add(2*time.Minute)); ok {
			t.Fatal("decided twice")
		}
		dec, err := st.Decided(ctx, now, 10)
		if err != nil || len(dec) != 1 || dec[0].ID != "r1" {
			t.Fatalf("decided list: %v, %v", ids(dec), err)
		}
		if p, _ := st.Pending(ctx, 10); len(p) != 0 {
			t.Fatalf("still pending: %v", ids(p))
		}
	})

	t.Run("Photos", func(t *testing.T) {
		_, ph := open(t)
		blob := bytes.Repeat([]byte{0xAB, 0x01}, 150<<10) // larger than one GridFS chunk
		if err := ph.Put(ctx, "r1.front", blob); err != nil {
			t.Fatal(err)
		}
		got, err := ph.Get(ctx, "r1.front")
		if err != nil || !bytes.Equal(got, blob) {
			t.Fatalf("get: %d bytes, %v", len(got), err)
		}
		if _, err := ph.Get(ctx, "r1.back"); !errors.Is(err, review.ErrNotFound) {
			t.Fatalf("missing photo: %v", err)
		}
	})
}

func ids(list []*review.Application) []string {
	var out []string
	for _, a := range list {
		out = append(out, a.ID)
	}
	return out
}
