package server

import (
	"context"
	"testing"
	"time"

	"jszg/server/account"
	"jszg/server/account/accounttest"
	"jszg/server/clock"
	"jszg/server/review"
	"jszg/server/store/storetest"
)

// An approved review makes the validity the reviewer saw the account's, and keeps the rest.
func TestApprovedReviewAppliesItsValidity(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t)
	accounts := account.New(st.Accounts)
	now := time.Date(2026, 6, 1, 8, 0, 0, 123456789, time.UTC)
	acc := accounttest.Sample("a1", "11010519491231002X", now)
	if err := accounts.Create(ctx, acc); err != nil {
		t.Fatal(err)
	}
	p := provenHolder{accounts: accounts, clk: clock.NewFake(now)}
	app := &review.Application{ID: "r1", AccountID: "a1", Name: acc.Name, ValidityTerm: "20y",
		ValidFrom: "2012-03-04", ValidUntil: "2032-03-04"}
	if err := p.ApplyReviewed(ctx, "a1", app); err != nil {
		t.Fatal(err)
	}
	got, err := accounts.ByID(ctx, "a1")
	if err != nil {
		t.Fatal(err)
	}
	if got.ValidityTerm != "20y" || got.ValidFrom != "2012-03-04" || got.ValidUntil != "2032-03-04" ||
		got.Name != acc.Name || got.Ethnicity != acc.Ethnicity || got.Staged != nil {
		t.Fatalf("after approval: %+v", got)
	}
	// The same validity again changes nothing and is no error.
	if err := p.ApplyReviewed(ctx, "a1", app); err != nil {
		t.Fatal(err)
	}
}
