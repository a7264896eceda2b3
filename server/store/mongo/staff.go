package mongo

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"jszg/server/staff"
)

// Staff accounts of the reviewer console, apart from applicants' accounts.
const staffCollection = "staff"

func init() {
	setup(func(ctx context.Context, d *DB) error {
		return d.ensureIndexes(ctx, staffCollection,
			index{name: "username_unique", keys: bson.D{{Key: "username", Value: 1}}, unique: true})
	})
}

// Staff is the staff.Store.
type Staff struct{ d *DB }

// Staff returns the staff accounts.
func (d *DB) Staff() *Staff { return &Staff{d} }

// Create implements staff.Store.
func (s *Staff) Create(ctx context.Context, m *staff.Member) error {
	_, err := s.d.DB.Collection(staffCollection).InsertOne(ctx, m)
	if isDuplicate(err) {
		return staff.ErrTaken
	}
	return err
}

func (s *Staff) one(ctx context.Context, filter bson.M) (*staff.Member, error) {
	var m staff.Member
	err := s.d.DB.Collection(staffCollection).FindOne(ctx, filter).Decode(&m)
	if notFound(err) {
		return nil, staff.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load staff: %w", err)
	}
	m.CreatedAt = utc(m.CreatedAt)
	return &m, nil
}

// ByUsername implements staff.Store.
func (s *Staff) ByUsername(ctx context.Context, username string) (*staff.Member, error) {
	return s.one(ctx, bson.M{"username": username})
}

// ByID implements staff.Store.
func (s *Staff) ByID(ctx context.Context, id string) (*staff.Member, error) {
	return s.one(ctx, bson.M{"_id": id})
}

// List implements staff.Store.
func (s *Staff) List(ctx context.Context) ([]*staff.Member, error) {
	cur, err := s.d.DB.Collection(staffCollection).Find(ctx, bson.M{}, options.Find().SetSort(bson.D{{Key: "username", Value: 1}}))
	if err != nil {
		return nil, err
	}
	var out []*staff.Member
	if err := cur.All(ctx, &out); err != nil {
		return nil, err
	}
	for _, m := range out {
		m.CreatedAt = utc(m.CreatedAt)
	}
	return out, nil
}

// Count implements staff.Store.
func (s *Staff) Count(ctx context.Context) (int, error) {
	n, err := s.d.DB.Collection(staffCollection).CountDocuments(ctx, bson.M{})
	return int(n), err
}

// SetPassword implements staff.Store.
func (s *Staff) SetPassword(ctx context.Context, id, hash string, mustChange bool) error {
	_, err := s.d.DB.Collection(staffCollection).UpdateOne(ctx, bson.M{"_id": id},
		bson.M{"$set": bson.M{"password_hash": hash, "must_change": mustChange}})
	return err
}

// SetDisabled implements staff.Store.
func (s *Staff) SetDisabled(ctx context.Context, id string, disabled bool) error {
	_, err := s.d.DB.Collection(staffCollection).UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": bson.M{"disabled": disabled}})
	return err
}
