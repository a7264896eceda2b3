package sqlite_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"jszg/server/account"
	"jszg/server/pii"
)

// A look-up that finds nothing reads and opens the newest row in its place (so that a miss costs
// what a hit costs); what that row's opening says must never reach the caller. Here the newest
// row was sealed with a key the store no longer has: a miss is still "not found", and the
// empty store answers the same.
func TestMissIsNotFoundWhateverTheRowInItsPlace(t *testing.T) {
	ctx := context.Background()
	db := open(t)
	if _, err := db.Accounts().ByDocNumber(ctx, "11010519491231002X"); !errors.Is(err, account.ErrNotFound) {
		t.Fatalf("empty store: %v, want ErrNotFound", err)
	}
	a := &account.Account{ID: account.NewID(), DocType: "id_card", DocNumber: "11010519491231002X", Name: "张三",
		Sex: "女", BirthDate: "1949-12-31", ValidityTerm: "long", ValidFrom: "2010-01-01", Email: "z@example.com",
		Phone: "13812345678", PasswordHash: "-", CreatedAt: time.Now()}
	if err := db.Accounts().Create(ctx, a); err != nil {
		t.Fatal(err)
	}
	if got, err := db.Accounts().ByDocNumber(ctx, a.DocNumber); err != nil || got.ID != a.ID || got.Name != "张三" {
		t.Fatalf("hit: %+v, %v", got, err)
	}
	other, err := pii.New(pii.Config{Keys: []pii.Key{{ID: "t2", Secret: []byte(strings.Repeat("o", 32))}},
		IndexKey: []byte(strings.Repeat("i", 32))})
	if err != nil {
		t.Fatal(err)
	}
	db.SetPersonalDataKeys(other)
	if _, err := db.Accounts().ByDocNumber(ctx, "110105194912310029"); !errors.Is(err, account.ErrNotFound) {
		t.Fatalf("miss beside a row the keys cannot open: %v, want ErrNotFound", err)
	}
	if _, err := db.Accounts().ByDocNumber(ctx, a.DocNumber); err == nil || errors.Is(err, account.ErrNotFound) {
		t.Fatalf("hit on a row the keys cannot open: %v, want the opening's error", err)
	}
}
