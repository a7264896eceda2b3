// Package code issues and checks one-time verification codes (验证码), whatever carries them: an
// SMS to a phone, a WeChat chat reply after a QR scan, later e-mail. A code is 6 digits, valid 5
// minutes, survives at most 5 wrong tries, is used once, and is stored only as an HMAC keyed with
// the server secret. Send limits (per destination 1 a minute, 5 an hour, 10 a day, and a cap per
// client address) live in the database so that they hold across server instances.
//
// Concurrency rests on single-document atomic updates: the one-a-minute cooldown is a conditional
// upsert of the code's own document, a wrong try is an increment guarded by "attempts < 5", and
// the use of a right code is a conditional set of "used" that only one caller can win.
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

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"jszg/server/clock"
	"jszg/server/quota"
	"jszg/server/store"
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

const collection = "codes"

// Key names one code: where it went and what it is for.
type Key struct {
	Channel string // ChannelSMS, ChannelWeChat, ChannelEmail
	To      string // normalised phone, WeChat scene, e-mail address
	Purpose string // api.PurposeRegister, ...
}

func (k Key) id() string { return k.Channel + "|" + k.Purpose + "|" + k.To }

// Service issues and verifies codes.
type Service struct {
	st     *store.Store
	c      *mongo.Collection
	clk    clock.Clock
	quotas *quota.Quotas
	secret []byte
}

// New returns a code service; secret keys the stored hashes.
func New(st *store.Store, clk clock.Clock, q *quota.Quotas, secret []byte) *Service {
	return &Service{st: st, c: st.DB.Collection(collection), clk: clk, quotas: q, secret: secret}
}

// EnsureIndexes creates the expiry index.
func (s *Service) EnsureIndexes(ctx context.Context) error {
	return s.st.EnsureIndexes(ctx, collection, store.Index{Keys: bson.D{{Key: "purge_at", Value: 1}}, ExpireAfter: store.Expire})
}

// RateLimited says when a code may be asked for again.
type RateLimited struct{ RetryAfter time.Duration }

func (e *RateLimited) Error() string { return errcode.CodeRateLimited.Message() }

type record struct {
	Hash      string    `bson:"hash"`
	SentAt    time.Time `bson:"sent_at"`
	ExpiresAt time.Time `bson:"expires_at"`
	Attempts  int       `bson:"attempts"`
	Used      bool      `bson:"used"`
}

// Issue makes a new code for key, replacing any earlier one, and returns it for sending. It
// returns *RateLimited when a send limit is reached. clientAddr may be empty (a code asked for
// by a WeChat event has no client address).
//
// The one-a-minute cooldown is claimed first, on the code's own document, so that of many
// concurrent requests exactly one goes on to the hourly and daily counters; if those refuse, the
// claim is given back and the earlier code stays valid.
func (s *Service) Issue(ctx context.Context, key Key, clientAddr string) (string, error) {
	now := s.clk.Now()
	id := key.id()
	// The filter matches only a code sent over a minute ago; when it matches nothing the upsert
	// tries to insert a second document with the same _id and fails: that is the cooldown. The
	// document as it was comes back, so a refused send can restore it.
	var prev record
	err := s.c.FindOneAndUpdate(ctx,
		bson.M{"_id": id, "sent_at": bson.M{"$lte": now.Add(-Cooldown)}},
		bson.M{"$set": bson.M{"sent_at": now, "purge_at": now.Add(24 * time.Hour)}},
		options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.Before)).Decode(&prev)
	if store.IsDuplicateKey(err) {
		wait := Cooldown
		var r record
		if s.c.FindOne(ctx, bson.M{"_id": id}).Decode(&r) == nil {
			wait = r.SentAt.Add(Cooldown).Sub(now)
		}
		return "", &RateLimited{RetryAfter: wait}
	}
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) { // no document before: a first code
		return "", fmt.Errorf("claim code: %w", err)
	}
	unclaim := func() {
		_, _ = s.c.UpdateOne(ctx, bson.M{"_id": id, "sent_at": now}, bson.M{"$set": bson.M{"sent_at": prev.SentAt}})
	}
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
		_, err = s.c.UpdateOne(ctx, bson.M{"_id": id, "sent_at": now}, bson.M{"$set": bson.M{
			"hash": s.hash(id, code), "expires_at": now.Add(TTL), "attempts": 0, "used": false,
		}})
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
	_, _ = s.c.DeleteOne(ctx, bson.M{"_id": key.id()})
}

// Verify checks a code and uses it up. It returns *errcode.Error CodeInvalid, CodeExpired or
// CodeTooManyAttempts.
func (s *Service) Verify(ctx context.Context, key Key, code string) error {
	if code == "" {
		return errcode.New(errcode.CodeRequired)
	}
	id := key.id()
	var r record
	err := s.c.FindOne(ctx, bson.M{"_id": id}).Decode(&r)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return errcode.New(errcode.CodeInvalid)
	}
	if err != nil {
		return fmt.Errorf("load code: %w", err)
	}
	now := s.clk.Now()
	switch {
	case r.Used || !now.Before(r.ExpiresAt):
		return errcode.New(errcode.CodeExpired)
	case r.Attempts >= MaxAttempts:
		return errcode.New(errcode.CodeTooManyAttempts)
	}
	live := bson.M{"_id": id, "hash": r.Hash, "used": false, "attempts": bson.M{"$lt": MaxAttempts}, "expires_at": bson.M{"$gt": now}}
	if subtle.ConstantTimeCompare([]byte(s.hash(id, code)), []byte(r.Hash)) == 1 {
		res, err := s.c.UpdateOne(ctx, live, bson.M{"$set": bson.M{"used": true}})
		if err != nil {
			return fmt.Errorf("use code: %w", err)
		}
		if res.ModifiedCount == 1 {
			return nil
		}
		return errcode.New(errcode.CodeExpired) // used or exhausted by a concurrent request
	}
	res, err := s.c.UpdateOne(ctx, live, bson.M{"$inc": bson.M{"attempts": 1}})
	if err != nil {
		return fmt.Errorf("count attempt: %w", err)
	}
	if res.ModifiedCount == 0 {
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
