package moelogin

import (
	"context"
	"time"
)

// Store keeps short-lived records of 教育部账号登录: the state of each authorization started
// (with its nonce and PKCE verifier), taken once by the callback, and the registration offered to
// an unknown identity, read by the registration page.
type Store interface {
	// Put keeps value under id until expiresAt.
	Put(ctx context.Context, id, value string, expiresAt time.Time) error
	// Take removes id and returns its value, or ok false when it is unknown or expired at now. Of
	// concurrent takes of one id, one alone gets it.
	Take(ctx context.Context, id string, now time.Time) (value string, ok bool, err error)
	// Get returns the value of id without removing it, ok false when unknown or expired at now.
	Get(ctx context.Context, id string, now time.Time) (value string, ok bool, err error)
}
