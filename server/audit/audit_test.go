package audit_test

import (
	"bytes"
	"context"
	"log/slog"
	"testing"
	"time"

	"jszg/server/audit"
	"jszg/server/clock"
	"jszg/server/store/storetest"
)

func TestAddStampsTheTimeAndMasksTheAddress(t *testing.T) {
	st := storetest.Open(t)
	clk := clock.NewFake(time.Date(2026, 5, 1, 10, 0, 0, 0, clock.China))
	l := audit.New(st.Audit, clk, slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil)))
	ctx := context.Background()
	l.Add(ctx, audit.Record{Event: audit.SignInFailed, Subject: "1101**********1234", Addr: "203.0.113.77"})
	clk.Advance(time.Second)
	l.Add(ctx, audit.Record{Event: audit.SignedIn, AccountID: "acc1", Addr: "2001:db8:1:2:3:4:5:6"})

	rs, err := l.List(ctx, "", 10)
	if err != nil || len(rs) != 2 {
		t.Fatalf("list: %v, %v", rs, err)
	}
	if rs[0].Event != audit.SignedIn || !rs[0].At.Equal(clk.Now()) || rs[0].Addr != "2001:db8:1:2::/64" {
		t.Errorf("newest record %+v", rs[0])
	}
	if rs[1].Event != audit.SignInFailed || rs[1].Addr != "203.0.113.0/24" {
		t.Errorf("older record %+v", rs[1])
	}
	if mine, _ := l.List(ctx, "acc1", 10); len(mine) != 1 || mine[0].Event != audit.SignedIn {
		t.Errorf("records of acc1: %+v", mine)
	}
}

func TestMaskAddr(t *testing.T) {
	for in, want := range map[string]string{
		"203.0.113.77":         "203.0.113.0/24",
		"::ffff:203.0.113.77":  "203.0.113.0/24",
		"2001:db8:1:2:3:4:5:6": "2001:db8:1:2::/64",
		"":                     "",
		"not an address":       "",
	} {
		if got := audit.MaskAddr(in); got != want {
			t.Errorf("MaskAddr(%q) = %q, want %q", in, got, want)
		}
	}
}
