// Package signin is the 登录 flow: document number, password and slide captcha. Every wrong pair
// gets the same answer, whether or not the account exists, and takes as long. Wrong passwords are
// limited per document number (5 in a 15-minute window, 20 in a China calendar day; then the
// number is locked until the window ends) and per client address (30 in 10 minutes; then the
// address waits). The limits count document numbers, not accounts, so a lockout says nothing about
// whether an account exists. A slot is taken before the password is checked and given back on
// success, so fifty concurrent guesses still get only five checks.
package signin

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"time"

	"jszg/server/account"
	"jszg/server/audit"
	"jszg/server/clock"
	"jszg/server/quota"
	"jszg/server/session"
	"jszg/shared/api"
	"jszg/shared/contact"
	"jszg/shared/document"
	"jszg/shared/errcode"
)

// The limits on wrong passwords.
var (
	PerNumber    = quota.Limit{Name: "signin_number", Max: 5, Window: quota.Fixed(15 * time.Minute)}
	PerNumberDay = quota.Limit{Name: "signin_number_day", Max: 20, Window: quota.ChinaDay}
	PerAddress   = quota.Limit{Name: "signin_addr", Max: 30, Window: quota.Fixed(10 * time.Minute)}
)

// Captcha consumes a slide-captcha pass.
type Captcha interface {
	Redeem(ctx context.Context, pass string) error
}

// Flow signs applicants in.
type Flow struct {
	Accounts *account.Accounts
	Hasher   *account.Hasher
	Captcha  Captcha
	Quotas   *quota.Quotas
	Sessions *session.Sessions
	Audit    *audit.Log
	Clock    clock.Clock
	// ReturnHosts are the business systems' hosts a sign-in may return to.
	ReturnHosts []string
}

// Result is a signed-in session.
type Result struct {
	Token    string
	Session  *session.Session
	Account  *account.Account
	Redirect string
}

// SignIn checks the credentials and starts a session. Refusals are *errcode.Error: SignInFailed
// for any wrong pair, AccountLocked and TooManyRequests (with RetryAfter) at the limits.
func (f *Flow) SignIn(ctx context.Context, req *api.SignInRequest, addr string) (*Result, error) {
	number := document.NormalizeNumber(req.DocNumber)
	if number == "" {
		return nil, errcode.AtField("doc_number", errcode.DocNumberRequired)
	}
	if req.Password == "" {
		return nil, errcode.AtField("password", errcode.PasswordRequired)
	}
	if len(req.Password) > 1024 {
		return nil, errcode.New(errcode.SignInFailed) // nobody's password; do not hash a megabyte
	}
	if err := f.Captcha.Redeem(ctx, req.Captcha); err != nil {
		return nil, err
	}
	subject := contact.MaskDocNumber(number)
	// The number's lock first: when it is locked, the attempt costs the address nothing.
	numberSlot, err := f.Quotas.Take(ctx, number, PerNumber, PerNumberDay)
	if err != nil {
		var ex *quota.Exceeded
		if errors.As(err, &ex) {
			f.Audit.Add(ctx, audit.Record{Event: audit.SignInLocked, Subject: subject, Addr: addr})
		}
		return nil, quota.Refusal(err, errcode.AccountLocked)
	}
	addrSlot, err := f.Quotas.Take(ctx, "addr:"+addr, PerAddress)
	if err != nil {
		numberSlot.Release(ctx)
		return nil, quota.Refusal(err, errcode.TooManyRequests)
	}
	acc, err := f.Accounts.ByDocNumber(ctx, number)
	ok := false
	switch {
	case errors.Is(err, account.ErrNotFound):
		f.Hasher.VerifyDummy(req.Password)
	case err != nil:
		addrSlot.Release(ctx)
		numberSlot.Release(ctx)
		return nil, err
	default:
		ok, err = f.Hasher.Verify(acc.PasswordHash, req.Password)
		if err != nil {
			return nil, err
		}
	}
	if !ok {
		f.Audit.Add(ctx, audit.Record{Event: audit.SignInFailed, Subject: subject, Addr: addr})
		return nil, errcode.New(errcode.SignInFailed)
	}
	addrSlot.Release(ctx)
	numberSlot.Release(ctx)
	if f.Hasher.Outdated(acc.PasswordHash) {
		_ = f.Accounts.SetPasswordHash(ctx, acc.ID, f.Hasher.Hash(req.Password))
	}
	token, sess, err := f.Sessions.Start(ctx, acc.ID, "applicant")
	if err != nil {
		return nil, err
	}
	f.Audit.Add(ctx, audit.Record{Event: audit.SignedIn, AccountID: acc.ID, Subject: subject, Addr: addr,
		Detail: map[string]string{"entry": entryName(req.Entry)}})
	return &Result{Token: token, Session: sess, Account: acc, Redirect: f.redirect(req)}, nil
}

// Redirect is where a sign-in by another way (教育部账号登录) sends the browser: the same rule.
func (f *Flow) Redirect(req *api.SignInRequest) string { return f.redirect(req) }

// redirect is where the browser goes after sign-in: back to the business system that sent the
// applicant when its address is one we know, else the personal centre (with the entry, so the
// page can offer that entry's business).
func (f *Flow) redirect(req *api.SignInRequest) string {
	if rt := req.ReturnTo; rt != "" {
		if strings.HasPrefix(rt, "/") && !strings.HasPrefix(rt, "//") && !strings.Contains(rt, "\\") {
			return rt
		}
		if u, err := url.Parse(rt); err == nil && (u.Scheme == "https" || u.Scheme == "http") {
			for _, h := range f.ReturnHosts {
				if strings.EqualFold(u.Host, h) {
					return u.String()
				}
			}
		}
	}
	if e := entryName(req.Entry); e != "" {
		return "/profile?entry=" + e
	}
	return "/profile"
}

func entryName(e string) string {
	switch e {
	case api.EntryCertification, api.EntryRegistration:
		return e
	}
	return ""
}
