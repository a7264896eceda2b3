package mongo

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/bson"
)

// A MoE record is {_id, value, expires_at}; expires_at is the TTL.
const moeStatesCollection = "moe_states"

func init() {
	setup(func(ctx context.Context, d *DB) error {
		return d.ensureIndexes(ctx, moeStatesCollection,
			index{name: "expires_at_ttl", keys: bson.D{{Key: "expires_at", Value: 1}}, ttl: true})
	})
}

type moeDoc struct {
	ID        string    `bson:"_id"`
	Value     string    `bson:"value"`
	ExpiresAt time.Time `bson:"expires_at"`
}

// MoEStates is the moelogin.Store.
type MoEStates struct{ d *DB }

// MoEStates returns the records of 教育部账号登录.
func (d *DB) MoEStates() *MoEStates { return &MoEStates{d} }

// Put implements moelogin.Store.
func (s *MoEStates) Put(ctx context.Context, id, value string, expiresAt time.Time) error {
	_, err := s.d.DB.Collection(moeStatesCollection).InsertOne(ctx, moeDoc{id, value, expiresAt})
	return err
}

// Take implements moelogin.Store with one find-and-delete.
func (s *MoEStates) Take(ctx context.Context, id string, now time.Time) (string, bool, error) {
	var doc moeDoc
	err := s.d.DB.Collection(moeStatesCollection).FindOneAndDelete(ctx, bson.M{"_id": id, "expires_at": bson.M{"$gt": now}}).Decode(&doc)
	if notFound(err) {
		return "", false, nil
	}
	return doc.Value, err == nil, err
}

// Get implements moelogin.Store.
func (s *MoEStates) Get(ctx context.Context, id string, now time.Time) (string, bool, error) {
	var doc moeDoc
	err := s.d.DB.Collection(moeStatesCollection).FindOne(ctx, bson.M{"_id": id, "expires_at": bson.M{"$gt": now}}).Decode(&doc)
	if notFound(err) {
		return "", false, nil
	}
	return doc.Value, err == nil, err
}
