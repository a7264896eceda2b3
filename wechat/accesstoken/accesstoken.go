// Package accesstoken keeps the service account's access token in the database, one document
// shared by every server instance. WeChat allows a limited number of token fetches a day and
// every fetch invalidates the previous token after a few minutes, so instances must not fetch
// one each: the token is refreshed a few minutes before it expires by the one instance that wins
// a lease (a conditional update of that single document, guarded by the refresh generation it
// saw, so a late loser can never refresh a second time). The others keep using the current token
// while it is valid, or, when there is none, wait briefly and read again. Nothing is kept in
// process memory: every call reads the document.
package accesstoken

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"jszg/server/clock"
)

// Timing of the refresh.
const (
	// RefreshEarly is how long before WeChat's expiry the token is replaced.
	RefreshEarly = 5 * time.Minute
	// LeaseTTL bounds how long a refresher may hold the lease (a crashed instance's lease lapses).
	LeaseTTL = 15 * time.Second
	// MaxWait is how long a caller without a valid token waits for another instance's refresh.
	MaxWait = 5 * time.Second
	poll    = 20 * time.Millisecond
)

// Token is the shared record of one AppID: the current token and the refresh lease.
type Token struct {
	AppID     string
	Token     string // "" until the first refresh
	ExpiresAt time.Time
	RefreshAt time.Time // when a refresh is due (zero: now)
	FetchedAt time.Time
	// Gen counts the refreshes written; a lease is taken only by who saw the latest one.
	Gen        int64
	LeaseUntil time.Time
	LeaseOwner string
}

// ErrNotFound: no token record for the AppID yet.
var ErrNotFound = errors.New("no access token record")

// Store keeps one Token per AppID. Every method is one atomic operation on that record.
type Store interface {
	// Get returns the record of appID, or ErrNotFound.
	Get(ctx context.Context, appID string) (Token, error)
	// Claim gives the refresh lease to owner until leaseUntil when the record's Gen is still gen
	// and no lease is held at now (LeaseUntil <= now); a missing record is created with Gen 0 and
	// the lease (when gen is 0). It reports whether owner got the lease: of any number of
	// concurrent claims of one generation, at most one does.
	Claim(ctx context.Context, appID string, gen int64, owner string, now, leaseUntil time.Time) (bool, error)
	// Release ends owner's lease without a new token (LeaseUntil zero, LeaseOwner "").
	Release(ctx context.Context, appID, owner string) error
	// Put writes t's Token, FetchedAt, ExpiresAt and RefreshAt, increments Gen and ends the lease,
	// only while owner holds the lease (nothing otherwise).
	Put(ctx context.Context, appID, owner string, t Token) error
	// Invalidate sets ExpiresAt and RefreshAt to zero when the current token is still token.
	Invalidate(ctx context.Context, appID, token string) error
}

// ErrUnavailable is returned when no valid token could be had in time.
var ErrUnavailable = errors.New("wechat access token unavailable")

// Fetcher asks WeChat for a new token and says how long it lives.
type Fetcher func(ctx context.Context) (token string, expiresIn time.Duration, err error)

// Source is the shared token of one AppID. It implements the SDK's AccessTokenContextHandle.
type Source struct {
	st    Store
	clk   clock.Clock
	appID string
	fetch Fetcher
	log   *slog.Logger
}

// New returns the token source of appID.
func New(st Store, clk clock.Clock, appID string, fetch Fetcher, log *slog.Logger) *Source {
	if log == nil {
		log = slog.Default()
	}
	return &Source{st: st, clk: clk, appID: appID, fetch: fetch, log: log}
}

// GetAccessToken implements the SDK's handle (without a context: bounded by MaxWait).
func (s *Source) GetAccessToken() (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), MaxWait+10*time.Second)
	defer cancel()
	return s.GetAccessTokenContext(ctx)
}

// GetAccessTokenContext returns a valid token, refreshing it when due.
func (s *Source) GetAccessTokenContext(ctx context.Context) (string, error) {
	deadline := time.Now().Add(MaxWait)
	for {
		r, _, err := s.load(ctx)
		if err != nil {
			return "", err
		}
		now := s.clk.Now()
		if r.Token != "" && now.Before(r.RefreshAt) {
			return r.Token, nil
		}
		owner, err := s.claim(ctx, r, now)
		if err != nil {
			return "", err
		}
		if owner != "" {
			return s.refresh(ctx, r, owner)
		}
		// Another instance is refreshing: the current token still serves until it expires.
		if r.Token != "" && now.Before(r.ExpiresAt) {
			return r.Token, nil
		}
		if time.Now().After(deadline) {
			return "", ErrUnavailable
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(poll):
		}
	}
}

// Invalidate marks token stale after WeChat rejected it, unless it was already replaced.
func (s *Source) Invalidate(ctx context.Context, token string) {
	if err := s.st.Invalidate(ctx, s.appID, token); err != nil {
		s.log.Warn("wechat access token: invalidate", "err", err)
	}
}

func (s *Source) load(ctx context.Context) (Token, bool, error) {
	r, err := s.st.Get(ctx, s.appID)
	if errors.Is(err, ErrNotFound) {
		return Token{}, false, nil
	}
	if err != nil {
		return Token{}, false, fmt.Errorf("load access token: %w", err)
	}
	return r, true, nil
}

// claim tries to take the refresh lease and returns the owner id when it did. The condition on
// gen means "the token is still the stale one I saw": once a refresh is written, no one who saw
// the old token can take the lease again.
func (s *Source) claim(ctx context.Context, seen Token, now time.Time) (string, error) {
	owner := newOwner()
	ok, err := s.st.Claim(ctx, s.appID, seen.Gen, owner, now, now.Add(LeaseTTL))
	if err != nil {
		return "", fmt.Errorf("claim access token lease: %w", err)
	}
	if ok {
		return owner, nil
	}
	return "", nil
}

func (s *Source) refresh(ctx context.Context, old Token, owner string) (string, error) {
	tok, ttl, err := s.fetch(ctx)
	if err != nil {
		// Give the lease back so that the next caller tries at once.
		_ = s.st.Release(context.WithoutCancel(ctx), s.appID, owner)
		if old.Token != "" && s.clk.Now().Before(old.ExpiresAt) {
			s.log.Warn("wechat access token: refresh failed, the current token still serves", "err", err)
			return old.Token, nil
		}
		return "", err
	}
	now := s.clk.Now()
	early := RefreshEarly
	if ttl <= 2*early {
		early = ttl / 2
	}
	err = s.st.Put(context.WithoutCancel(ctx), s.appID, owner, Token{
		Token: tok, FetchedAt: now, ExpiresAt: now.Add(ttl), RefreshAt: now.Add(ttl - early),
	})
	if err != nil {
		// The token is good whether or not it was stored; the next caller will fetch again.
		s.log.Warn("wechat access token: store", "err", err)
	}
	return tok, nil
}

func newOwner() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
