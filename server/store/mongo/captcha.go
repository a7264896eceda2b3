package mongo

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/bson"
)

// A puzzle document is {_id: puzzle id, x, expires_at}; a pass document is {_id: SHA-256 of
// the pass, expires_at}. Both go by TTL.
const (
	captchaPuzzlesCollection = "captcha_puzzles"
	captchaPassesCollection  = "captcha_passes"
)

func init() {
	setup(func(ctx context.Context, d *DB) error {
		ttl := index{name: "expires_at_ttl", keys: bson.D{{Key: "expires_at", Value: 1}}, ttl: true}
		if err := d.ensureIndexes(ctx, captchaPuzzlesCollection, ttl); err != nil {
			return err
		}
		return d.ensureIndexes(ctx, captchaPassesCollection, ttl)
	})
}

type captchaDoc struct {
	ID        string    `bson:"_id"`
	X         int       `bson:"x"`
	ExpiresAt time.Time `bson:"expires_at"`
}

// Captcha is the captcha.Store.
type Captcha struct{ d *DB }

// Captcha returns the slide captcha's puzzles and passes.
func (d *DB) Captcha() *Captcha { return &Captcha{d} }

// PutPuzzle implements captcha.Store.
func (c *Captcha) PutPuzzle(ctx context.Context, id string, x int, expiresAt time.Time) error {
	_, err := c.d.DB.Collection(captchaPuzzlesCollection).InsertOne(ctx, bson.M{"_id": id, "x": x, "expires_at": expiresAt})
	return err
}

// TakePuzzle implements captcha.Store with one find-and-delete.
func (c *Captcha) TakePuzzle(ctx context.Context, id string, now time.Time) (int, bool, error) {
	var doc captchaDoc
	err := c.d.DB.Collection(captchaPuzzlesCollection).FindOneAndDelete(ctx, bson.M{"_id": id}).Decode(&doc)
	if notFound(err) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	if !now.Before(doc.ExpiresAt) {
		return 0, false, nil
	}
	return doc.X, true, nil
}

// Puzzle implements captcha.Store.
func (c *Captcha) Puzzle(ctx context.Context, id string, now time.Time) (int, bool, error) {
	var doc captchaDoc
	err := c.d.DB.Collection(captchaPuzzlesCollection).FindOne(ctx, bson.M{"_id": id, "expires_at": bson.M{"$gt": now}}).Decode(&doc)
	if notFound(err) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	return doc.X, true, nil
}

// PutPass implements captcha.Store.
func (c *Captcha) PutPass(ctx context.Context, hash string, expiresAt time.Time) error {
	_, err := c.d.DB.Collection(captchaPassesCollection).InsertOne(ctx, bson.M{"_id": hash, "expires_at": expiresAt})
	return err
}

// TakePass implements captcha.Store with one find-and-delete.
func (c *Captcha) TakePass(ctx context.Context, hash string, now time.Time) (bool, bool, error) {
	var doc captchaDoc
	err := c.d.DB.Collection(captchaPassesCollection).FindOneAndDelete(ctx, bson.M{"_id": hash}).Decode(&doc)
	if notFound(err) {
		return false, false, nil
	}
	if err != nil {
		return false, false, err
	}
	return true, now.Before(doc.ExpiresAt), nil
}
