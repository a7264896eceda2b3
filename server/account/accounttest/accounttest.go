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

	t.Run("PhoneIdentityAndStagedChange", func(t *testing.T) {
		st := open(t)
		if err := st.Create(ctx, Sample("a1", "11010519491231002X", now)); err != nil {
			t.Fatal(err)
		}
		if err := st.SetPhone(ctx, "a1", "13900001111"); err != nil {
			t.Fatal(err)
		}
		// The phone's lookup follows the change.
		if accs, err := st.ByPhone(ctx, "13900001111"); err != nil || len(accs) != 1 || accs[0].Phone != "13900001111" {
			t.Fatalf("by the new phone: %+v, %v", accs, err)
		}
		if accs, err := st.ByPhone(ctx, "13812345678"); err != nil || len(accs) != 0 {
			t.Fatalf("by the old phone: %+v, %v", accs, err)
		}
		staged := &account.StagedIdentity{Name: "张三丰", ValidityTerm: "20y", ValidFrom: "2012-01-01",
			ValidUntil: "2032-01-01", At: now.Add(time.Minute)}
		ch := account.IdentityChange{Ethnicity: "回族", PermitNumber: "", LocalID: "", Staged: staged}
		if err := st.SetIdentity(ctx, "a1", ch); err != nil {
			t.Fatal(err)
		}
		if err := st.SetIdentity(ctx, "nope", ch); !errors.Is(err, account.ErrNotFound) {
			t.Fatalf("identity of an unknown account: %v, want ErrNotFound", err)
		}
		got, err := st.ByID(ctx, "a1")
		if err != nil {
			t.Fatal(err)
		}
		if got.Phone != "13900001111" || got.Ethnicity != "回族" || got.Name != "张三" {
			t.Fatalf("after the change: phone %q ethnicity %q name %q", got.Phone, got.Ethnicity, got.Name)
		}
		if got.Staged == nil || *got.Staged != *staged {
			t.Fatalf("staged %+v, want %+v", got.Staged, staged)
		}
		// A change replaced since it was read is not applied.
		old := *staged
		old.At = now
		if ok, err := st.ApplyStaged(ctx, "a1", old); err != nil || ok {
			t.Fatalf("apply of a replaced change: %v, %v; want false", ok, err)
		}
		var wins atomic.Int32
		var wg sync.WaitGroup
		for range 10 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ok, err := st.ApplyStaged(ctx, "a1", *staged)
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
			t.Fatalf("%d appliers won, want 1", wins.Load())
		}
		got, err = st.ByID(ctx, "a1")
		if err != nil {
			t.Fatal(err)
		}
		if got.Staged != nil || got.Name != "张三丰" || got.ValidityTerm != "20y" || got.ValidFrom != "2012-01-01" || got.ValidUntil != "2032-01-01" {
			t.Fatalf("after applying: %+v", got)
		}
		// Clearing a staged change.
		if err := st.SetIdentity(ctx, "a1", account.IdentityChange{Ethnicity: "汉族", Staged: staged}); err != nil {
			t.Fatal(err)
		}
		if err := st.SetIdentity(ctx, "a1", account.IdentityChange{Ethnicity: "汉族"}); err != nil {
			t.Fatal(err)
		}
		if got, _ := st.ByID(ctx, "a1"); got == nil || got.Staged != nil {
			t.Fatalf("cleared staged change still there: %+v", got)
		}
	})

	t.Run("LinkMoE", func(t *testing.T) {
		st := open(t)
		if err := st.Create(ctx, Sample("a1", "11010519491231002X", now)); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			subject string
			want    bool
		}{{"sub-1", true}, {"sub-1", true}, {"sub-2", false}} {
			if ok, err := st.LinkMoE(ctx, "a1", c.subject); err != nil || ok != c.want {
				t.Fatalf("link %s: %v, %v; want %v", c.subject, ok, err, c.want)
			}
		}
		if got, _ := st.ByID(ctx, "a1"); got == nil || got.MoESubject != "sub-1" {
			t.Fatalf("subject %+v, want sub-1", got)
		}
	})

	t.Run("AccountsWaitingOverALegacyAccount", func(t *testing.T) {
		st := open(t)
		legacy := Sample("legacy", "11010519491231002X", account.LegacyCutoff.AddDate(-2, 0, 0))
		if err := st.Create(ctx, legacy); err != nil {
			t.Fatal(err)
		}
		waiting := Sample("waiting", legacy.DocNumber, now)
		waiting.Supersedes, waiting.Phone = "legacy", "13900000001"
		if err := st.Create(ctx, waiting); err != nil {
			t.Fatalf("account waiting beside the legacy one: %v", err)
		}
		if err := st.Create(ctx, Sample("holder2", legacy.DocNumber, now)); !errors.Is(err, account.ErrTaken) {
			t.Fatalf("second holder: %v, want ErrTaken", err)
		}
		if got, err := st.ByDocNumber(ctx, legacy.DocNumber); err != nil || got.ID != "legacy" {
			t.Fatalf("holder %+v, %v; want the legacy account", got, err)
		}
		accs, err := st.Candidates(ctx, legacy.DocNumber)
		if err != nil || len(accs) != 2 || accs[0].ID != "legacy" || accs[1].ID != "waiting" || accs[1].Supersedes != "legacy" {
			t.Fatalf("candidates %+v, %v; want legacy then waiting", accs, err)
		}
		if err := st.Promote(ctx, "waiting"); !errors.Is(err, account.ErrTaken) {
			t.Fatalf("promote while the legacy account holds the number: %v, want ErrTaken", err)
		}
		if ok, err := st.Archive(ctx, "legacy", legacy.DocNumber, account.LegacyCutoff, now); err != nil || !ok {
			t.Fatalf("archive legacy: %v %v", ok, err)
		}
		if err := st.Promote(ctx, "waiting"); err != nil {
			t.Fatalf("promote: %v", err)
		}
		if got, err := st.ByDocNumber(ctx, legacy.DocNumber); err != nil || got.ID != "waiting" || got.Supersedes != "" {
			t.Fatalf("holder after promotion %+v, %v", got, err)
		}
		if err := st.Promote(ctx, "nope"); !errors.Is(err, account.ErrNotFound) {
			t.Fatalf("promote unknown: %v, want ErrNotFound", err)
		}
	})

	t.Run("ByPhone", func(t *testing.T) {
		st := open(t)
		a, b := Sample("a1", "11010519491231002X", now), Sample("b1", "110105194912310029", now.Add(time.Second))
		for _, acc := range []*account.Account{a, b} {
			if err := st.Create(ctx, acc); err != nil {
				t.Fatal(err)
			}
		}
		got, err := st.ByPhone(ctx, a.Phone)
		if err != nil || len(got) != 2 || got[0].ID != "a1" || got[1].ID != "b1" || got[0].Phone != a.Phone {
			t.Fatalf("by phone: %+v, %v", got, err)
		}
		if got, err := st.ByPhone(ctx, "13000000000"); err != nil || len(got) != 0 {
			t.Fatalf("unknown phone: %+v, %v", got, err)
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
		// The phone's lookup follows the correction.
		if accs, err := st.ByPhone(ctx, "13900000000"); err != nil || len(accs) != 1 || accs[0].ID != "a1" {
			t.Fatalf("by the corrected phone: %+v, %v", accs, err)
		}
		if err := st.SetContact(ctx, "nope", "13900000000", "x@example.com"); !errors.Is(err, account.ErrNotFound) {
			t.Fatalf("unknown account: %v, want ErrNotFound", err)
		}
	})
}
