// Package staff keeps the reviewer console's accounts, apart from applicants': a user name, a
// role (reviewer or admin), a password hash and a TOTP key (RFC 6238), both required to sign in.
// The first admin is made at first start with a one-time password printed once; a one-time
// password (that one, or one an admin gave a new reviewer) must be changed at the first sign-in
// before anything else. Wrong sign-ins are limited per user name, and a TOTP code is accepted
// once: the same code cannot sign in twice, even on another instance (the quota counters hold
// the used codes).
package staff

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"jszg/server/account"
	"jszg/server/audit"
	"jszg/server/clock"
	"jszg/server/quota"
	"jszg/shared/errcode"
)

// Roles.
const (
	RoleReviewer = "reviewer"
	RoleAdmin    = "admin"
)

// Member is one staff account.
type Member struct {
	ID           string    `bson:"_id"`
	Username     string    `bson:"username"`
	Role         string    `bson:"role"`
	PasswordHash string    `bson:"password_hash"`
	TOTPSecret   string    `bson:"totp_secret"`
	MustChange   bool      `bson:"must_change"` // signed in with a one-time password
	Disabled     bool      `bson:"disabled"`
	CreatedAt    time.Time `bson:"created_at"`
}

// Refusals of the store.
var (
	ErrTaken    = errors.New("user name taken")
	ErrNotFound = errors.New("staff member not found")
)

// Store keeps staff accounts; user names are unique (a unique index on both engines).
type Store interface {
	Create(ctx context.Context, m *Member) error
	ByUsername(ctx context.Context, username string) (*Member, error)
	ByID(ctx context.Context, id string) (*Member, error)
	List(ctx context.Context) ([]*Member, error)
	// Count says how many there are (0 before the first admin).
	Count(ctx context.Context) (int, error)
	SetPassword(ctx context.Context, id, hash string, mustChange bool) error
	SetDisabled(ctx context.Context, id string, disabled bool) error
}

// Limits of staff sign-in.
var (
	PerUsername = quota.Limit{Name: "staff_signin", Max: 5, Window: quota.Fixed(15 * time.Minute)}
	// usedCode holds each accepted TOTP code for the span in which it is valid (±1 step).
	usedCode = quota.Limit{Name: "staff_totp_used", Max: 1, Window: quota.Fixed(90 * time.Second)}
)

// Service signs staff in and manages them.
type Service struct {
	Store  Store
	Hasher *account.Hasher
	Quotas *quota.Quotas
	Audit  *audit.Log
	Clock  clock.Clock
}

// Audit events.
const (
	EventSignedIn      = "staff_signed_in"
	EventSignInFailed  = "staff_sign_in_failed"
	EventCreated       = "staff_created"
	EventDisabled      = "staff_disabled"
	EventPasswordSet   = "staff_password_changed"
	EventContactFixed  = "account_contact_corrected"
	EventWorkdaysAdded = "workdays_loaded"
)

// Enrolment is what a new member is given once: the one-time password and the TOTP key (its
// otpauth:// URI for an authenticator app).
type Enrolment struct {
	Member   *Member
	Password string
	TOTPURI  string
}

// Bootstrap makes the first admin when there is no staff at all; it returns nil otherwise. The
// caller prints the enrolment once: nothing keeps the password.
func (s *Service) Bootstrap(ctx context.Context) (*Enrolment, error) {
	n, err := s.Store.Count(ctx)
	if err != nil || n > 0 {
		return nil, err
	}
	e, err := s.Create(ctx, "admin", RoleAdmin, "")
	if errors.Is(err, ErrTaken) {
		return nil, nil // another instance made it first
	}
	return e, err
}

// Create makes a member with a one-time password and a new TOTP key.
func (s *Service) Create(ctx context.Context, username, role, actor string) (*Enrolment, error) {
	username = strings.TrimSpace(username)
	if username == "" || len(username) > 32 || (role != RoleReviewer && role != RoleAdmin) {
		return nil, errcode.New(errcode.BadRequest)
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: "中国教师资格网审核", AccountName: username, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return nil, err
	}
	pw := oneTimePassword()
	m := &Member{ID: account.NewID(), Username: username, Role: role, PasswordHash: s.Hasher.Hash(pw),
		TOTPSecret: key.Secret(), MustChange: true, CreatedAt: s.Clock.Now().UTC().Truncate(time.Millisecond)}
	if err := s.Store.Create(ctx, m); err != nil {
		return nil, err
	}
	s.Audit.Add(ctx, audit.Record{Event: EventCreated, Actor: actor, Subject: username, Detail: map[string]string{"role": role}})
	return &Enrolment{Member: m, Password: pw, TOTPURI: key.URL()}, nil
}

// SignIn checks the user name, the password and the TOTP code; any wrong one gets the same
// StaffSignInFailed.
func (s *Service) SignIn(ctx context.Context, username, password, code, addr string) (*Member, error) {
	username = strings.TrimSpace(username)
	if username == "" || password == "" || len(password) > 1024 {
		return nil, errcode.New(errcode.StaffSignInFailed)
	}
	grant, err := s.Quotas.Take(ctx, "staff:"+username, PerUsername)
	if err != nil {
		return nil, quota.Refusal(err, errcode.AccountLocked)
	}
	fail := func() (*Member, error) {
		s.Audit.Add(ctx, audit.Record{Event: EventSignInFailed, Subject: username, Addr: addr})
		return nil, errcode.New(errcode.StaffSignInFailed)
	}
	m, err := s.Store.ByUsername(ctx, username)
	if errors.Is(err, ErrNotFound) {
		s.Hasher.VerifyDummy(password)
		return fail()
	}
	if err != nil {
		return nil, err
	}
	ok, err := s.Hasher.Verify(m.PasswordHash, password)
	if err != nil {
		return nil, err
	}
	if !ok || m.Disabled || !s.validCode(m.TOTPSecret, code) {
		return fail()
	}
	// A code works once.
	if _, err := s.Quotas.Take(ctx, "totp:"+m.ID+":"+code, usedCode); err != nil {
		return fail()
	}
	grant.Release(ctx)
	s.Audit.Add(ctx, audit.Record{Event: EventSignedIn, Actor: m.ID, Subject: username, Addr: addr})
	return m, nil
}

func (s *Service) validCode(secret, code string) bool {
	ok, err := totp.ValidateCustom(strings.TrimSpace(code), secret, s.Clock.Now(),
		totp.ValidateOpts{Period: 30, Skew: 1, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	return err == nil && ok
}

// ChangePassword replaces a member's password after checking the old one.
func (s *Service) ChangePassword(ctx context.Context, id, old, next string) error {
	m, err := s.Store.ByID(ctx, id)
	if err != nil {
		return err
	}
	if ok, _ := s.Hasher.Verify(m.PasswordHash, old); !ok {
		return errcode.AtField("old_password", errcode.StaffSignInFailed)
	}
	if len(next) < 12 || next == old {
		return errcode.AtField("password", errcode.PasswordTooShort)
	}
	if err := s.Store.SetPassword(ctx, id, s.Hasher.Hash(next), false); err != nil {
		return err
	}
	s.Audit.Add(ctx, audit.Record{Event: EventPasswordSet, Actor: id, Subject: m.Username})
	return nil
}

// oneTimePassword is 16 characters from an alphabet without look-alikes.
func oneTimePassword() string {
	const alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789"
	var b strings.Builder
	for range 16 {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		if err != nil {
			panic(err)
		}
		b.WriteByte(alphabet[n.Int64()])
	}
	return b.String()
}

// Describe is how the enrolment is printed at first start.
func (e *Enrolment) Describe() string {
	return fmt.Sprintf("first admin created: user %q, one-time password %s (change it at first sign-in); TOTP key for an authenticator app: %s",
		e.Member.Username, e.Password, e.TOTPURI)
}
