package staff_test

import (
	"context"
	"io"
	"log/slog"
	"net/url"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"jszg/server/account"
	"jszg/server/audit"
	"jszg/server/clock"
	"jszg/server/quota"
	"jszg/server/staff"
	"jszg/server/store/storetest"
	"jszg/shared/errcode"
)

func service(t *testing.T) (*staff.Service, *clock.Fake) {
	t.Helper()
	db := storetest.SQLite(t, t.TempDir())
	clk := clock.NewFake(time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC))
	return &staff.Service{Store: db.Staff(), Hasher: account.NewHasher(account.HashParams{MemoryKiB: 1024, Time: 1, Threads: 1}),
		Quotas: quota.New(db.Quotas(), clk), Audit: audit.New(db.Audit(), clk, slog.New(slog.NewTextHandler(io.Discard, nil))), Clock: clk}, clk
}

func secretOf(t *testing.T, uri string) string {
	u, err := url.Parse(uri)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get("secret")
}

func TestFirstAdminPasswordAndTOTP(t *testing.T) {
	ctx := context.Background()
	s, clk := service(t)
	e, err := s.Bootstrap(ctx)
	if err != nil || e == nil || e.Member.Role != staff.RoleAdmin || !e.Member.MustChange {
		t.Fatalf("bootstrap: %+v, %v", e, err)
	}
	if again, err := s.Bootstrap(ctx); again != nil || err != nil {
		t.Fatalf("second bootstrap made another admin: %+v, %v", again, err)
	}
	secret := secretOf(t, e.TOTPURI)
	code, _ := totp.GenerateCode(secret, clk.Now())
	if _, err := s.SignIn(ctx, "admin", e.Password, "000000", ""); errcode.Of(err) != errcode.StaffSignInFailed {
		t.Fatalf("wrong code: %v", err)
	}
	if _, err := s.SignIn(ctx, "admin", "wrong", code, ""); errcode.Of(err) != errcode.StaffSignInFailed {
		t.Fatalf("wrong password: %v", err)
	}
	m, err := s.SignIn(ctx, "admin", e.Password, code, "")
	if err != nil || !m.MustChange {
		t.Fatalf("sign in: %+v, %v", m, err)
	}
	if _, err := s.SignIn(ctx, "admin", e.Password, code, ""); errcode.Of(err) != errcode.StaffSignInFailed {
		t.Fatalf("the same code twice: %v", err)
	}
	if err := s.ChangePassword(ctx, m.ID, e.Password, "a-long-new-passphrase"); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Minute)
	code, _ = totp.GenerateCode(secret, clk.Now())
	if m, err := s.SignIn(ctx, "admin", "a-long-new-passphrase", code, ""); err != nil || m.MustChange {
		t.Fatalf("after the change: %+v, %v", m, err)
	}
}

func TestStaffSignInLockout(t *testing.T) {
	ctx := context.Background()
	s, _ := service(t)
	if _, err := s.Bootstrap(ctx); err != nil {
		t.Fatal(err)
	}
	for range 5 {
		s.SignIn(ctx, "admin", "wrong", "123456", "")
	}
	if _, err := s.SignIn(ctx, "admin", "wrong", "123456", ""); errcode.Of(err) != errcode.AccountLocked {
		t.Fatalf("sixth attempt: %v, want locked", err)
	}
}
