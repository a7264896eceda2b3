package mongo

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"jszg/server/passwordreset"
)

// A ticket document is {_id: token hash, kind, account_id, doc_number, decoy, channel, stamp,
// scene, created_at, expires_at, used_at}; expires_at is the TTL.
const passwordResetsCollection = "password_resets"

func init() {
	setup(func(ctx context.Context, d *DB) error {
		return d.ensureIndexes(ctx, passwordResetsCollection,
			index{name: "expires_at_ttl", keys: bson.D{{Key: "expires_at", Value: 1}}, ttl: true})
	})
}

type ticketDoc struct {
	ID        string    `bson:"_id"`
	Kind      string    `bson:"kind"`
	AccountID string    `bson:"account_id"`
	DocNumber string    `bson:"doc_number"`
	Decoy     string    `bson:"decoy"`
	Channel   string    `bson:"channel"`
	Stamp     string    `bson:"stamp"`
	Scene     string    `bson:"scene"`
	CreatedAt time.Time `bson:"created_at"`
	ExpiresAt time.Time `bson:"expires_at"`
	UsedAt    time.Time `bson:"used_at"`
}

// PasswordResets is the passwordreset.Store.
type PasswordResets struct{ d *DB }

// PasswordResets returns the password-reset tickets.
func (d *DB) PasswordResets() *PasswordResets { return &PasswordResets{d} }

// Insert implements passwordreset.Store.
func (s *PasswordResets) Insert(ctx context.Context, t *passwordreset.Ticket) error {
	_, err := s.d.DB.Collection(passwordResetsCollection).InsertOne(ctx, ticketDoc(*t))
	if err != nil {
		return fmt.Errorf("insert password reset: %w", err)
	}
	return nil
}

// Get implements passwordreset.Store.
func (s *PasswordResets) Get(ctx context.Context, id string, now time.Time) (*passwordreset.Ticket, error) {
	var doc ticketDoc
	err := s.d.DB.Collection(passwordResetsCollection).FindOne(ctx, bson.M{"_id": id, "expires_at": bson.M{"$gt": now}}).Decode(&doc)
	if notFound(err) {
		return nil, passwordreset.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load password reset: %w", err)
	}
	t := passwordreset.Ticket(doc)
	return &t, nil
}

// SetScene implements passwordreset.Store.
func (s *PasswordResets) SetScene(ctx context.Context, id, scene string, now time.Time) error {
	_, err := s.d.DB.Collection(passwordResetsCollection).UpdateOne(ctx,
		bson.M{"_id": id, "expires_at": bson.M{"$gt": now}, "used_at": time.Time{}},
		bson.M{"$set": bson.M{"scene": scene}})
	return err
}

// Use implements passwordreset.Store.
func (s *PasswordResets) Use(ctx context.Context, id string, now time.Time) (bool, error) {
	res, err := s.d.DB.Collection(passwordResetsCollection).UpdateOne(ctx,
		bson.M{"_id": id, "expires_at": bson.M{"$gt": now}, "used_at": time.Time{}},
		bson.M{"$set": bson.M{"used_at": now}})
	if err != nil {
		return false, err
	}
	return res.ModifiedCount == 1, nil
}
