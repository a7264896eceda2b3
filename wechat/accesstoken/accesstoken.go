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

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"

	"jszg/server/clock"
	"jszg/server/store"
)

const collection = "wechat_access_tokens"

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

// ErrUnavailable is returned when no valid token could be had in time.
var ErrUnavailable = errors.New("wechat access token unavailable")

// Fetcher asks WeChat for a new token and says how long it lives.
type Fetcher func(ctx context.Context) (token string, expiresIn time.Duration, err error)

// Source is the shared token of one AppID. It implements the SDK's AccessTokenContextHandle.
type Source struct {
	c     *mongo.Collection
	clk   clock.Clock
	appID string
	fetch Fetcher
	log   *slog.Logger
}

// New returns the token source of appID.
func New(st *store.Store, clk clock.Clock, appID string, fetch Fetcher, log *slog.Logger) *Source {
	if log == nil {
		log = slog.Default()
	}
	return &Source{c: st.DB.Collection(collection), clk: clk, appID: appID, fetch: fetch, log: log}
}

type record struct {
	ID         string    `bson:"_id"`
	Token      string    `bson:"token"`
	ExpiresAt  time.Time `bson:"expires_at"`
	RefreshAt  time.Time `bson:"refresh_at"`
	FetchedAt  time.Time `bson:"fetched_at"`
	Gen        int64     `bson:"gen"`
	LeaseUntil time.Time `bson:"lease_until"`
	LeaseOwner string    `bson:"lease_owner"`
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
		r, found, err := s.load(ctx)
		if err != nil {
			return "", err
		}
		now := s.clk.Now()
		if r.Token != "" && now.Before(r.RefreshAt) {
			return r.Token, nil
		}
		owner, err := s.claim(ctx, r, found, now)
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
	_, err := s.c.UpdateOne(ctx, bson.M{"_id": s.appID, "token": token},
		bson.M{"$set": bson.M{"refresh_at": time.Time{}, "expires_at": time.Time{}}})
	if err != nil {
		s.log.Warn("wechat access token: invalidate", "err", err)
	}
}

func (s *Source) load(ctx context.Context) (record, bool, error) {
	var r record
	err := s.c.FindOne(ctx, bson.M{"_id": s.appID}).Decode(&r)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return record{}, false, nil
	}
	if err != nil {
		return record{}, false, fmt.Errorf("load access token: %w", err)
	}
	return r, true, nil
}

// claim tries to take the refresh lease and returns the owner id when it did. The filter on gen
// means "the token is still the stale one I saw": once a refresh is written, no one who saw the
// old token can take the lease again.
func (s *Source) claim(ctx context.Context, seen record, found bool, now time.Time) (string, error) {
	owner := newOwner()
	if !found {
		_, err := s.c.InsertOne(ctx, bson.M{"_id": s.appID, "gen": int64(0), "lease_until": now.Add(LeaseTTL), "lease_owner": owner})
		if store.IsDuplicateKey(err) {
			return "", nil
		}
		if err != nil {
			return "", fmt.Errorf("claim access token lease: %w", err)
		}
		return owner, nil
	}
	res, err := s.c.UpdateOne(ctx,
		bson.M{"_id": s.appID, "gen": seen.Gen, "lease_until": bson.M{"$lte": now}},
		bson.M{"$set": bson.M{"lease_until": now.Add(LeaseTTL), "lease_owner": owner}})
	if err != nil {
		return "", fmt.Errorf("claim access token lease: %w", err)
	}
	if res.ModifiedCount == 1 {
		return owner, nil
	}
	return "", nil
}

func (s *Source) refresh(ctx context.Context, old record, owner string) (string, error) {
	tok, ttl, err := s.fetch(ctx)
	if err != nil {
		// Give the lease back so that the next caller tries at once.
		_, _ = s.c.UpdateOne(context.WithoutCancel(ctx), bson.M{"_id": s.appID, "lease_owner": owner},
			bson.M{"$set": bson.M{"lease_until": time.Time{}, "lease_owner": ""}})
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
	_, err = s.c.UpdateOne(context.WithoutCancel(ctx), bson.M{"_id": s.appID, "lease_owner": owner}, bson.M{
		"$set": bson.M{
			"token": tok, "fetched_at": now, "expires_at": now.Add(ttl), "refresh_at": now.Add(ttl - early),
			"lease_until": time.Time{}, "lease_owner": "",
		},
		"$inc": bson.M{"gen": 1},
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
