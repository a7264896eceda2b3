package mongo

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"jszg/server/code"
)

// A code document is {_id: channel|purpose|destination, hash, sent_at, expires_at, keep_until,
// attempts, used}; the _id is the lookup, keep_until the TTL.
const codesCollection = "codes"

func init() {
	setup(func(ctx context.Context, d *DB) error {
		return d.ensureIndexes(ctx, codesCollection, index{name: "keep_until_ttl", keys: bson.D{{Key: "keep_until", Value: 1}}, ttl: true})
	})
}

type codeDoc struct {
	Hash      string    `bson:"hash"`
	SentAt    time.Time `bson:"sent_at"`
	ExpiresAt time.Time `bson:"expires_at"`
	KeepUntil time.Time `bson:"keep_until"`
	Attempts  int       `bson:"attempts"`
	Used      bool      `bson:"used"`
}

func (c codeDoc) record() *code.Record {
	return &code.Record{Hash: c.Hash, SentAt: c.SentAt, ExpiresAt: c.ExpiresAt, KeepUntil: c.KeepUntil, Attempts: c.Attempts, Used: c.Used}
}

// Codes is the code.Store.
type Codes struct{ d *DB }

// Codes returns the verification codes.
func (d *DB) Codes() *Codes { return &Codes{d} }

// Claim implements code.Store with one find-and-modify upsert that returns the document as it
// was. The filter matches only a code sent a cooldown ago or earlier; when it matches nothing
// while the document exists, the upsert tries to insert a second document with the same _id and
// fails with a duplicate key: that is the cooldown.
func (c *Codes) Claim(ctx context.Context, id string, now time.Time, cooldown time.Duration, keepUntil time.Time) (*code.Record, bool, error) {
	coll := c.d.DB.Collection(codesCollection)
	var prev codeDoc
	err := coll.FindOneAndUpdate(ctx,
		bson.M{"_id": id, "sent_at": bson.M{"$lte": now.Add(-cooldown)}},
		bson.M{
			"$set":         bson.M{"sent_at": now, "keep_until": keepUntil},
			"$setOnInsert": bson.M{"hash": "", "expires_at": time.Time{}, "attempts": 0, "used": false},
		},
		options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.Before)).Decode(&prev)
	switch {
	case err == nil:
		if !prev.KeepUntil.After(now) {
			return nil, true, nil // past its time, only not yet removed by the TTL monitor
		}
		return prev.record(), true, nil
	case notFound(err): // inserted: there was none
		return nil, true, nil
	case isDuplicate(err):
		var cur codeDoc
		err := coll.FindOne(ctx, bson.M{"_id": id}).Decode(&cur)
		if notFound(err) { // withdrawn in between
			return nil, false, nil
		}
		if err != nil {
			return nil, false, err
		}
		return cur.record(), false, nil
	default:
		return nil, false, err
	}
}

// Unclaim implements code.Store.
func (c *Codes) Unclaim(ctx context.Context, id string, claimedAt time.Time, prev *code.Record) error {
	coll := c.d.DB.Collection(codesCollection)
	mine := bson.M{"_id": id, "sent_at": claimedAt}
	if prev == nil {
		_, err := coll.DeleteOne(ctx, mine)
		return err
	}
	_, err := coll.UpdateOne(ctx, mine, bson.M{"$set": bson.M{"sent_at": prev.SentAt, "keep_until": prev.KeepUntil}})
	return err
}

// Set implements code.Store.
func (c *Codes) Set(ctx context.Context, id string, claimedAt time.Time, hash string, expiresAt time.Time) (bool, error) {
	res, err := c.d.DB.Collection(codesCollection).UpdateOne(ctx,
		bson.M{"_id": id, "sent_at": claimedAt},
		bson.M{"$set": bson.M{"hash": hash, "expires_at": expiresAt, "attempts": 0, "used": false}})
	if err != nil {
		return false, err
	}
	return res.MatchedCount == 1, nil
}

// Get implements code.Store.
func (c *Codes) Get(ctx context.Context, id string, now time.Time) (*code.Record, error) {
	var doc codeDoc
	err := c.d.DB.Collection(codesCollection).FindOne(ctx, bson.M{"_id": id, "keep_until": bson.M{"$gt": now}}).Decode(&doc)
	if notFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return doc.record(), nil
}

// liveCode matches the code with this hash while it may still be used or tried.
func liveCode(id, hash string, now time.Time, maxAttempts int) bson.M {
	return bson.M{"_id": id, "hash": hash, "used": false, "attempts": bson.M{"$lt": maxAttempts}, "expires_at": bson.M{"$gt": now}}
}

// Use implements code.Store: one conditional update, which only one caller can win.
func (c *Codes) Use(ctx context.Context, id, hash string, now time.Time, maxAttempts int) (bool, error) {
	res, err := c.d.DB.Collection(codesCollection).UpdateOne(ctx, liveCode(id, hash, now, maxAttempts), bson.M{"$set": bson.M{"used": true}})
	if err != nil {
		return false, err
	}
	return res.ModifiedCount == 1, nil
}

// Fail implements code.Store: one conditional increment.
func (c *Codes) Fail(ctx context.Context, id, hash string, now time.Time, maxAttempts int) (bool, error) {
	res, err := c.d.DB.Collection(codesCollection).UpdateOne(ctx, liveCode(id, hash, now, maxAttempts), bson.M{"$inc": bson.M{"attempts": 1}})
	if err != nil {
		return false, err
	}
	return res.ModifiedCount == 1, nil
}

// Delete implements code.Store.
func (c *Codes) Delete(ctx context.Context, id string) error {
	_, err := c.d.DB.Collection(codesCollection).DeleteOne(ctx, bson.M{"_id": id})
	return err
}
