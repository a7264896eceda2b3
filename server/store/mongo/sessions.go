package mongo

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"jszg/server/session"
)

const sessionsCollection = "sessions"

func init() {
	setup(func(ctx context.Context, d *DB) error {
		return d.ensureIndexes(ctx, sessionsCollection,
			index{name: "idle_until_ttl", keys: bson.D{{Key: "idle_until", Value: 1}}, ttl: true},
			index{name: "account_id", keys: bson.D{{Key: "account_id", Value: 1}}},
		)
	})
}

// Sessions is the session.Store.
type Sessions struct{ d *DB }

// Sessions returns the sessions.
func (d *DB) Sessions() *Sessions { return &Sessions{d} }

// Insert implements session.Store.
func (s *Sessions) Insert(ctx context.Context, x *session.Session) error {
	_, err := s.d.DB.Collection(sessionsCollection).InsertOne(ctx, x)
	return err
}

// Get implements session.Store.
func (s *Sessions) Get(ctx context.Context, id string) (*session.Session, error) {
	var x session.Session
	err := s.d.DB.Collection(sessionsCollection).FindOne(ctx, bson.M{"_id": id}).Decode(&x)
	if notFound(err) {
		return nil, session.ErrNoSession
	}
	if err != nil {
		return nil, err
	}
	return &x, nil
}

// Touch implements session.Store.
func (s *Sessions) Touch(ctx context.Context, id string, seenAt, idleUntil time.Time) error {
	_, err := s.d.DB.Collection(sessionsCollection).UpdateOne(ctx, bson.M{"_id": id},
		bson.M{"$set": bson.M{"seen_at": seenAt, "idle_until": idleUntil}})
	return err
}

// Delete implements session.Store.
func (s *Sessions) Delete(ctx context.Context, id string) error {
	_, err := s.d.DB.Collection(sessionsCollection).DeleteOne(ctx, bson.M{"_id": id})
	return err
}

// DeleteByAccount implements session.Store.
func (s *Sessions) DeleteByAccount(ctx context.Context, accountID, exceptID string) (int64, error) {
	res, err := s.d.DB.Collection(sessionsCollection).DeleteMany(ctx,
		bson.M{"account_id": accountID, "_id": bson.M{"$ne": exceptID}})
	if err != nil {
		return 0, err
	}
	return res.DeletedCount, nil
}
