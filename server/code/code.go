// Package code issues and checks one-time verification codes (验证码), whatever carries them: an
// SMS to a phone, a WeChat chat reply after a QR scan, later e-mail. A code is 6 digits, valid 5
// minutes, survives at most 5 wrong tries, is used once, and is stored only as an HMAC keyed with
// the server secret. Send limits (per destination 1 a minute, 5 an hour, 10 a day, and a cap per
// client address) live in the database so that they hold across server instances.
//
// Concurrency rests on the atomic operations of Store, one record per destination and purpose:
// the one-a-minute cooldown is a claim of that record that returns its earlier state (so a refused
// send can restore it), a wrong try is an increment guarded by "attempts < 5", and the use of a
// right code is a conditional set of "used" that only one caller can win.
package code

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"time"

	"jszg/server/clock"
	"jszg/server/quota"
	"jszg/shared/errcode"
)

// The rules of SPEC.md.
const (
	Digits      = 6
	TTL         = 5 * time.Minute
	MaxAttempts = 5
	Cooldown    = time.Minute
)

// Channels a code travels by.
const (
	ChannelSMS    = "sms"
	ChannelWeChat = "wechat"
	ChannelEmail  = "email"
)

// Send limits per destination and per client address. Many applicants share one public address
// (campus networks, carrier-grade NAT on mobile networks), so the address cap is generous: it
// stops one machine from spraying codes at many phones, not a crowded campus.
var (
	PerHour     = quota.Limit{Name: "code_hour", Max: 5, Window: quota.Fixed(time.Hour)}
	PerDay      = quota.Limit{Name: "code_day", Max: 10, Window: quota.ChinaDay}
	AddrPerHour = quota.Limit{Name: "code_addr_hour", Max: 60, Window: quota.Fixed(time.Hour)}
	AddrPerDay  = quota.Limit{Name: "code_addr_day", Max: 300, Window: quota.ChinaDay}
)

// Keep is how long a code's record outlives its last send; the sweeper (or the engine's TTL)
// removes it then. It only needs to outlast the cooldown and the code's validity.
const Keep = 24 * time.Hour

// Key names one code: where it went and what it is for.
type Key struct {
	Channel string // ChannelSMS, ChannelWeChat, ChannelEmail
	To      string // normalised phone, WeChat scene, e-mail address
	Purpose string // api.PurposeRegister, ...
}

// id names a key's record. The destination is a keyed hash: the record's id is stored and can
// reach error logs, and a phone number must appear in neither (a plain hash of a phone is undone
// by trying all of them).
func (s *Service) id(k Key) string {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte("code-destination\x00" + k.To))
	return k.Channel + "|" + k.Purpose + "|" + hex.EncodeToString(m.Sum(nil)[:16])
}

// Record is the stored state of one key's code. Hash is the keyed hash of the code, never the
// code; a record claimed but not yet given a code has an empty Hash and a zero ExpiresAt.
type Record struct {
	Hash      string
	SentAt    time.Time // the last claimed send
	ExpiresAt time.Time // the code is refused from this instant on
	KeepUntil time.Time // the record itself is gone from this instant on
	Attempts  int       // wrong tries counted so far
	Used      bool
}

// Store keeps one Record per id. Every method is one atomic operation on that record; the
// conditions below are checked by the same operation that changes it, so concurrent callers
// never both win. Times are kept to the millisecond.
type Store interface {
	// Claim starts a send for id at now unless the last one was less than cooldown ago. When it
	// claims, it sets SentAt to now and KeepUntil to keepUntil (creating an empty record when
	// there is none), leaves the rest as it was, and returns the record as it was before (nil when
	// there was none, or it was past its KeepUntil) and true. When the cooldown holds it changes
	// nothing and returns the current record and false. Of concurrent claims at most one wins.
	Claim(ctx context.Context, id string, now time.Time, cooldown time.Duration, keepUntil time.Time) (prev *Record, claimed bool, err error)
	// Unclaim gives back the claim made at claimedAt: the record returns to prev's SentAt and
	// KeepUntil (it is removed when prev is nil), unless a later claim has replaced it.
	Unclaim(ctx context.Context, id string, claimedAt time.Time, prev *Record) error
	// Set gives the claim made at claimedAt its code: Hash, ExpiresAt, no attempts, not used. It
	// reports false, changing nothing, when that claim no longer holds the record.
	Set(ctx context.Context, id string, claimedAt time.Time, hash string, expiresAt time.Time) (bool, error)
	// Get returns id's record, or nil when there is none or it is past its KeepUntil at now.
	Get(ctx context.Context, id string, now time.Time) (*Record, error)
	// Use marks the code with this hash used if it is live at now (not used, fewer than
	// maxAttempts wrong tries, before ExpiresAt); it reports whether this call did so.
	Use(ctx context.Context, id, hash string, now time.Time, maxAttempts int) (bool, error)
	// Fail counts a wrong try against the code with this hash if it is live at now, as Use
	// decides; it reports whether it counted.
	Fail(ctx context.Context, id, hash string, now time.Time, maxAttempts int) (bool, error)
	// Delete removes id's record; a missing record is not an error.
	Delete(ctx context.Context, id string) error
}

// Service issues and verifies codes.
type Service struct {
	st     Store
	clk    clock.Clock
	quotas *quota.Quotas
	secret []byte
}

// New returns a code service keeping codes in st; secret keys the stored hashes.
func New(st Store, clk clock.Clock, q *quota.Quotas, secret []byte) *Service {
	return &Service{st: st, clk: clk, quotas: q, secret: secret}
}

// RateLimited says when a code may be asked for again.
type RateLimited struct{ RetryAfter time.Duration }

func (e *RateLimited) Error() string { return errcode.CodeRateLimited.Message() }

// Issue makes a new code for key, replacing any earlier one, and returns it for sending. It
// returns *RateLimited when a send limit is reached. clientAddr may be empty (a code asked for
// by a WeChat event has no client address).
//
// The one-a-minute cooldown is claimed first, on the code's own record, so that of many
// concurrent requests exactly one goes on to the hourly and daily counters; if those refuse, the
// claim is given back and the earlier code stays valid.
func (s *Service) Issue(ctx context.Context, key Key, clientAddr string) (string, error) {
	now := s.clk.Now()
	id := s.id(key)
	prev, claimed, err := s.st.Claim(ctx, id, now, Cooldown, now.Add(Keep))
	if err != nil {
		return "", fmt.Errorf("claim code: %w", err)
	}
	if !claimed {
		wait := Cooldown
		if prev != nil {
			wait = prev.SentAt.Add(Cooldown).Sub(now)
		}
		return "", &RateLimited{RetryAfter: wait}
	}
	// Given back even when the request is cancelled: a refused send must not hold the cooldown.
	unclaim := func() { _ = s.st.Unclaim(context.WithoutCancel(ctx), id, now, prev) }
	g, err := s.quotas.Take(ctx, key.Channel+":"+key.To, PerHour, PerDay)
	if err == nil && clientAddr != "" {
		var ga *quota.Grant
		ga, err = s.quotas.Take(ctx, "addr:"+clientAddr, AddrPerHour, AddrPerDay)
		if err != nil {
			g.Release(ctx)
		}
		g = quota.Merge(g, ga)
	}
	if err != nil {
		unclaim()
		return "", s.limited(err)
	}
	code, err := randomDigits(Digits)
	if err == nil {
		var held bool
		held, err = s.st.Set(ctx, id, now, s.hash(id, code), now.Add(TTL))
		if err == nil && !held {
			err = errors.New("the claim was replaced by a later send")
		}
	}
	if err != nil {
		g.Release(ctx)
		unclaim()
		return "", fmt.Errorf("store code: %w", err)
	}
	return code, nil
}

// Withdraw undoes an issue whose code could not be delivered, so the user may ask again at once.
func (s *Service) Withdraw(ctx context.Context, key Key) {
	_ = s.st.Delete(ctx, s.id(key))
}

// Verify checks a code and uses it up. It returns *errcode.Error CodeInvalid, CodeExpired or
// CodeTooManyAttempts.
func (s *Service) Verify(ctx context.Context, key Key, code string) error {
	if code == "" {
		return errcode.New(errcode.CodeRequired)
	}
	id := s.id(key)
	now := s.clk.Now()
	r, err := s.st.Get(ctx, id, now)
	if err != nil {
		return fmt.Errorf("load code: %w", err)
	}
	switch {
	case r == nil:
		return errcode.New(errcode.CodeInvalid)
	case r.Used || !now.Before(r.ExpiresAt):
		return errcode.New(errcode.CodeExpired)
	case r.Attempts >= MaxAttempts:
		return errcode.New(errcode.CodeTooManyAttempts)
	}
	if subtle.ConstantTimeCompare([]byte(s.hash(id, code)), []byte(r.Hash)) == 1 {
		won, err := s.st.Use(ctx, id, r.Hash, now, MaxAttempts)
		if err != nil {
			return fmt.Errorf("use code: %w", err)
		}
		if won {
			return nil
		}
		return errcode.New(errcode.CodeExpired) // used or exhausted by a concurrent request
	}
	counted, err := s.st.Fail(ctx, id, r.Hash, now, MaxAttempts)
	if err != nil {
		return fmt.Errorf("count attempt: %w", err)
	}
	if !counted {
		return errcode.New(errcode.CodeTooManyAttempts)
	}
	return errcode.New(errcode.CodeInvalid)
}

func (s *Service) hash(id, code string) string {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte(id))
	m.Write([]byte{0})
	m.Write([]byte(code))
	return hex.EncodeToString(m.Sum(nil))
}

func (s *Service) limited(err error) error {
	var ex *quota.Exceeded
	if errors.As(err, &ex) {
		return &RateLimited{RetryAfter: ex.RetryAfter}
	}
	return err
}

func randomDigits(n int) (string, error) {
	max := big.NewInt(1)
	for i := 0; i < n; i++ {
		max.Mul(max, big.NewInt(10))
	}
	v, err := rand.Int(rand.Reader, max)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%0*d", n, v), nil
}
