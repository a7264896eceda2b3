// Package signin is the 登录 flow: document number, password and slide captcha. Every wrong pair
// gets the same answer, whether or not the account exists, and takes as long. Wrong passwords are
// limited per document number and client address together (5 in a 15-minute window, 20 in a China
// calendar day; then that address may not try that number until the window ends), so that a
// stranger's wrong guesses cannot lock the holder out; per client address (30 in 10 minutes; then
// the address waits); and per document number across all addresses, where the limit slows rather
// than refuses: after 20 wrong passwords in a China day from anywhere, the number gets one
// password check every 30 seconds, so the holder still gets in, a little later, while a crowd of
// addresses guesses at the speed of one. The limits count document numbers, not accounts, so a
// lockout says nothing about whether an account exists. A slot is taken before the password is
// checked and given back on success, so fifty concurrent guesses still get only five checks.
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
	PerNumber    = quota.Limit{Name: "signin_number_addr", Max: 5, Window: quota.Fixed(15 * time.Minute)}
	PerNumberDay = quota.Limit{Name: "signin_number_addr_day", Max: 20, Window: quota.ChinaDay}
	PerAddress   = quota.Limit{Name: "signin_addr", Max: 30, Window: quota.Fixed(10 * time.Minute)}
	// NumberFailures counts wrong passwords for a number from every address; past its Max the
	// number is slowed to one check per NumberSlowed window.
	NumberFailures = quota.Limit{Name: "signin_number_day", Max: 20, Window: quota.ChinaDay}
	NumberSlowed   = quota.Limit{Name: "signin_number_slow", Max: 1, Window: quota.Fixed(30 * time.Second)}
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
	// Every document number has 18 characters; anything longer is nobody's, and must not make
	// the counters below write records keyed on whatever a client sends.
	if len(number) > 18 {
		return nil, errcode.AtField("doc_number", errcode.DocNumberFormat)
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
	// The (number, address) lock first: when it is locked, the attempt costs the address nothing.
	numberSlot, err := f.Quotas.Take(ctx, number+"|"+addr, PerNumber, PerNumberDay)
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
	// Under attack from many addresses, the number is slowed for everyone, never locked.
	failures, err := f.Quotas.Used(ctx, number, NumberFailures)
	if err == nil && failures >= NumberFailures.Max {
		if _, err = f.Quotas.Take(ctx, number, NumberSlowed); err != nil {
			addrSlot.Release(ctx)
			numberSlot.Release(ctx)
			return nil, quota.Refusal(err, errcode.SignInSlowed)
		}
	}
	if err != nil {
		addrSlot.Release(ctx)
		numberSlot.Release(ctx)
		return nil, err
	}
	// The number's holder and any account registered over it that awaits verification: the
	// password says which one is signing in.
	accs, err := f.Accounts.Candidates(ctx, number)
	if err != nil {
		addrSlot.Release(ctx)
		numberSlot.Release(ctx)
		return nil, err
	}
	var acc *account.Account
	if len(accs) == 0 {
		f.Hasher.VerifyDummy(req.Password)
	}
	for _, c := range accs {
		ok, err := f.Hasher.Verify(c.PasswordHash, req.Password)
		if err != nil {
			return nil, err
		}
		if ok {
			acc = c
			break
		}
	}
	if acc == nil {
		f.Audit.Add(ctx, audit.Record{Event: audit.SignInFailed, Subject: subject, Addr: addr})
		if _, err := f.Quotas.Take(ctx, number, NumberFailures); err != nil {
			var ex *quota.Exceeded
			if !errors.As(err, &ex) {
				return nil, err
			}
		}
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
	if rt, ok := SafeReturn(req.ReturnTo, f.ReturnHosts); ok {
		return rt
	}
	if e := entryName(req.Entry); e != "" {
		return "/profile?entry=" + e
	}
	return "/profile"
}

// SafeReturn says whether a browser may be sent to target after sign-in, and returns it as it
// should be used. Browsers forgive a lot (they drop tabs and newlines, read "\" as "/", and
// "/\t/evil.example" becomes "//evil.example"), so the target is parsed, not matched: no control
// character, space or backslash anywhere; a path on this site has neither scheme nor host and
// does not start "//"; an absolute URL is https (or http) to a listed host, with no user info.
func SafeReturn(target string, hosts []string) (string, bool) {
	if target == "" || len(target) > 2048 {
		return "", false
	}
	for _, r := range target {
		if r <= ' ' || r == 0x7f || r == '\\' || (r >= 0x80 && r <= 0x9f) || r == '\u00a0' || r == '\u3000' {
			return "", false
		}
	}
	u, err := url.Parse(target)
	if err != nil || u.Opaque != "" || u.User != nil {
		return "", false
	}
	if u.Scheme == "" && u.Host == "" {
		if !strings.HasPrefix(target, "/") || strings.HasPrefix(target, "//") {
			return "", false
		}
		return u.String(), true
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return "", false
	}
	for _, h := range hosts {
		if strings.EqualFold(u.Host, h) {
			return u.String(), true
		}
	}
	return "", false
}

func entryName(e string) string {
	switch e {
	case api.EntryCertification, api.EntryRegistration:
		return e
	}
	return ""
}
