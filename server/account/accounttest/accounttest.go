// Package accounttest is the contract of account.Store, run on every engine.
package accounttest

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"jszg/server/account"
)

// Sample returns a valid account with the given id and document number.
func Sample(id, docNumber string, created time.Time) *account.Account {
	return &account.Account{
		ID: id, DocType: "id_card", DocNumber: docNumber, Name: "张三", Sex: "male", BirthDate: "1949-12-31",
		Ethnicity: "汉族", ValidityTerm: "long", ValidFrom: "2010-01-01", Email: "zhang@example.com",
		Phone: "13812345678", PasswordHash: "$argon2id$v=19$m=1024,t=1,p=1$c2FsdA$aGFzaA", RealName: account.RealNameNone,
		CreatedAt: created.UTC().Truncate(time.Millisecond),
	}
}

// Run checks the contract; open returns an empty store of the engine under test.
func Run(t *testing.T, open func(t *testing.T) account.Store) {
	ctx := context.Background()
	now := time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)

	t.Run("CreateAndFind", func(t *testing.T) {
		st := open(t)
		a := Sample("a1", "11010519491231002X", now)
		a.Region, a.PermitNumber, a.LocalID, a.ValidUntil = "", "", "", ""
		if err := st.Create(ctx, a); err != nil {
			t.Fatal(err)
		}
		for name, get := range map[string]func() (*account.Account, error){
			"by number": func() (*account.Account, error) { return st.ByDocNumber(ctx, a.DocNumber) },
			"by id":     func() (*account.Account, error) { return st.ByID(ctx, "a1") },
		} {
			got, err := get()
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if *got != *a {
				t.Fatalf("%s: got %+v\nwant %+v", name, got, a)
			}
		}
		if _, err := st.ByDocNumber(ctx, "110105194912310029"); !errors.Is(err, account.ErrNotFound) {
			t.Fatalf("unknown number: %v, want ErrNotFound", err)
		}
		if _, err := st.ByID(ctx, "nope"); !errors.Is(err, account.ErrNotFound) {
			t.Fatalf("unknown id: %v, want ErrNotFound", err)
		}
	})

	t.Run("OneLiveAccountPerNumberUnderConcurrency", func(t *testing.T) {
		st := open(t)
		var wins, taken atomic.Int32
		var wg sync.WaitGroup
		for i := range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := st.Create(ctx, Sample(string(rune('a'+i)), "11010519491231002X", now))
				switch {
				case err == nil:
					wins.Add(1)
				case errors.Is(err, account.ErrTaken):
					taken.Add(1)
				default:
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if wins.Load() != 1 || taken.Load() != 19 {
			t.Fatalf("wins %d, taken %d; want 1 and 19", wins.Load(), taken.Load())
		}
	})

	t.Run("ArchiveFreesTheNumber", func(t *testing.T) {
		st := open(t)
		old := Sample("old", "11010519491231002X", account.LegacyCutoff.AddDate(-1, 0, 0))
		if err := st.Create(ctx, old); err != nil {
			t.Fatal(err)
		}
		// Not created before the cutoff given: left alone.
		if ok, err := st.Archive(ctx, "old", old.DocNumber, old.CreatedAt, now); err != nil || ok {
			t.Fatalf("archive of a newer account: %v, %v; want false", ok, err)
		}
		if ok, err := st.Archive(ctx, "old", "other", account.LegacyCutoff, now); err != nil || ok {
			t.Fatalf("archive with another number: %v, %v; want false", ok, err)
		}
		// Two archivers at once: one does it.
		var wins atomic.Int32
		var wg sync.WaitGroup
		for range 10 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ok, err := st.Archive(ctx, "old", old.DocNumber, account.LegacyCutoff, now)
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
			t.Fatalf("%d archivers won, want 1", wins.Load())
		}
		if _, err := st.ByID(ctx, "old"); !errors.Is(err, account.ErrNotFound) {
			t.Fatalf("archived account by id: %v, want ErrNotFound", err)
		}
		if _, err := st.ByDocNumber(ctx, old.DocNumber); !errors.Is(err, account.ErrNotFound) {
			t.Fatalf("archived account by number: %v, want ErrNotFound", err)
		}
		if err := st.Create(ctx, Sample("new", old.DocNumber, now)); err != nil {
			t.Fatalf("new account after archiving: %v", err)
		}
		if err := st.Create(ctx, Sample("new2", old.DocNumber, now)); !errors.Is(err, account.ErrTaken) {
			t.Fatalf("second live account: %v, want ErrTaken", err)
		}
		got, err := st.ByDocNumber(ctx, old.DocNumber)
		if err != nil || got.ID != "new" {
			t.Fatalf("live account %v, %v; want new", got, err)
		}
	})

	t.Run("SetPasswordHash", func(t *testing.T) {
		st := open(t)
		if err := st.Create(ctx, Sample("a1", "11010519491231002X", now)); err != nil {
			t.Fatal(err)
		}
		if err := st.SetPasswordHash(ctx, "a1", "new-hash"); err != nil {
			t.Fatal(err)
		}
		got, err := st.ByID(ctx, "a1")
		if err != nil || got.PasswordHash != "new-hash" {
			t.Fatalf("hash %v, %v", got, err)
		}
	})

	t.Run("SetRealNameOneWinner", func(t *testing.T) {
		st := open(t)
		if err := st.Create(ctx, Sample("a1", "11010519491231002X", now)); err != nil {
			t.Fatal(err)
		}
		var wins atomic.Int32
		var wg sync.WaitGroup
		for range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ok, err := st.SetRealName(ctx, "a1", []string{account.RealNameNone}, account.RealNameReviewPending)
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
			t.Fatalf("%d movers won, want 1", wins.Load())
		}
		if ok, _ := st.SetRealName(ctx, "a1", []string{account.RealNameNone, account.RealNameVerified}, account.RealNameVerified); ok {
			t.Fatal("moved out of a state not listed")
		}
		got, _ := st.ByID(ctx, "a1")
		if got.RealName != account.RealNameReviewPending {
			t.Fatalf("state %q, want %q", got.RealName, account.RealNameReviewPending)
		}
	})

	t.Run("SetContact", func(t *testing.T) {
		st := open(t)
		if err := st.Create(ctx, Sample("a1", "11010519491231002X", now)); err != nil {
			t.Fatal(err)
		}
		if err := st.SetContact(ctx, "a1", "13900000000", "new@example.com"); err != nil {
			t.Fatal(err)
		}
		got, _ := st.ByID(ctx, "a1")
		if got.Phone != "13900000000" || got.Email != "new@example.com" {
			t.Fatalf("contact %q %q", got.Phone, got.Email)
		}
		if err := st.SetContact(ctx, "nope", "13900000000", "x@example.com"); !errors.Is(err, account.ErrNotFound) {
			t.Fatalf("unknown account: %v, want ErrNotFound", err)
		}
	})
}
