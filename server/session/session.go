// Package session keeps signed-in sessions. A session is a random 256-bit token in an HttpOnly
// cookie; the store keeps only the token's SHA-256, so a leaked database opens no session. A
// session ends after 30 idle minutes or 12 hours in all, at sign-out, and (for every session of
// an account) when its password is reset. The CSRF token of a session is derived from it with
// the server secret, so it needs no storage and changes when the session does.
package session

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"jszg/server/clock"
)

// Lifetimes. Idle time is refreshed at most once a minute, so a busy page does not write on
// every request.
const (
	IdleTimeout     = 30 * time.Minute
	AbsoluteTimeout = 12 * time.Hour
	touchEvery      = time.Minute
)

// Session is a signed-in session.
type Session struct {
	ID        string    `bson:"_id"` // hex SHA-256 of the token
	AccountID string    `bson:"account_id"`
	Kind      string    `bson:"kind"` // "applicant"; staff sessions later
	CreatedAt time.Time `bson:"created_at"`
	SeenAt    time.Time `bson:"seen_at"`
	IdleUntil time.Time `bson:"idle_until"`
	EndsAt    time.Time `bson:"ends_at"`
}

// ErrNoSession is returned for a missing, unknown or expired token.
var ErrNoSession = errors.New("no session")

// Store keeps sessions by the hash of their token.
type Store interface {
	// Insert adds a new session.
	Insert(ctx context.Context, s *Session) error
	// Get returns a session by id (the token's hash), expired or not; ErrNoSession when missing.
	Get(ctx context.Context, id string) (*Session, error)
	// Touch records activity: the session was seen at seenAt and now idles out at idleUntil.
	Touch(ctx context.Context, id string, seenAt, idleUntil time.Time) error
	// Delete removes one session.
	Delete(ctx context.Context, id string) error
	// DeleteByAccount removes every session of an account but exceptID (empty: all), and says how
	// many went.
	DeleteByAccount(ctx context.Context, accountID, exceptID string) (int64, error)
}

// Sessions starts, finds and ends sessions.
type Sessions struct {
	st     Store
	clk    clock.Clock
	secret []byte
}

// New returns the sessions kept in st; secret keys the CSRF tokens.
func New(st Store, clk clock.Clock, secret []byte) *Sessions {
	return &Sessions{st: st, clk: clk, secret: secret}
}

// Start creates a session for an account and returns its token (for the cookie).
func (s *Sessions) Start(ctx context.Context, accountID, kind string) (string, *Session, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", nil, err
	}
	token := base64.RawURLEncoding.EncodeToString(b[:])
	now := s.clk.Now()
	sess := &Session{
		ID: hashToken(token), AccountID: accountID, Kind: kind,
		CreatedAt: now, SeenAt: now, IdleUntil: now.Add(IdleTimeout), EndsAt: now.Add(AbsoluteTimeout),
	}
	if err := s.st.Insert(ctx, sess); err != nil {
		return "", nil, fmt.Errorf("start session: %w", err)
	}
	return token, sess, nil
}

// Lookup returns the live session of a token and refreshes its idle time, at most once a minute:
// a read costs a write only that often.
func (s *Sessions) Lookup(ctx context.Context, token string) (*Session, error) {
	if token == "" || len(token) > 100 {
		return nil, ErrNoSession
	}
	sess, err := s.st.Get(ctx, hashToken(token))
	if errors.Is(err, ErrNoSession) {
		return nil, ErrNoSession
	}
	if err != nil {
		return nil, fmt.Errorf("load session: %w", err)
	}
	now := s.clk.Now()
	if !now.Before(sess.IdleUntil) || !now.Before(sess.EndsAt) {
		return nil, ErrNoSession
	}
	if now.Sub(sess.SeenAt) >= touchEvery {
		sess.SeenAt, sess.IdleUntil = now, now.Add(IdleTimeout)
		if sess.IdleUntil.After(sess.EndsAt) {
			sess.IdleUntil = sess.EndsAt
		}
		_ = s.st.Touch(ctx, sess.ID, sess.SeenAt, sess.IdleUntil)
	}
	return sess, nil
}

// End ends the session of a token.
func (s *Sessions) End(ctx context.Context, token string) error {
	return s.st.Delete(ctx, hashToken(token))
}

// EndAll ends every session of an account except the one with the given id (empty: all).
func (s *Sessions) EndAll(ctx context.Context, accountID, exceptID string) (int64, error) {
	return s.st.DeleteByAccount(ctx, accountID, exceptID)
}

// CSRFToken returns the anti-forgery token of a session.
func (s *Sessions) CSRFToken(sess *Session) string {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte("csrf\x00" + sess.ID))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// CheckCSRF reports whether token is the session's CSRF token, in constant time.
func (s *Sessions) CheckCSRF(sess *Session, token string) bool {
	return hmac.Equal([]byte(s.CSRFToken(sess)), []byte(token))
}

func hashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}
