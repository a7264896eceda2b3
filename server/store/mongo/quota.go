package mongo

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"
)

const quotaCollection = "quota_counters"

func init() {
	setup(func(ctx context.Context, d *DB) error {
		return d.ensureIndexes(ctx, quotaCollection, index{name: "expires_at_ttl", keys: bson.D{{Key: "expires_at", Value: 1}}, ttl: true})
	})
}

// Quotas is the quota.Store.
type Quotas struct{ d *DB }

// Quotas returns the counters.
func (d *DB) Quotas() *Quotas { return &Quotas{d} }

// Add implements quota.Store with one find-and-modify upsert.
func (q *Quotas) Add(ctx context.Context, id string, by int, expiresAt time.Time) (int, error) {
	c := q.d.DB.Collection(quotaCollection)
	// Two upserts of the same new counter can race to insert it; the loser gets a duplicate
	// key error and, trying again, finds the document.
	for try := 0; ; try++ {
		var doc struct {
			N int `bson:"n"`
		}
		err := c.FindOneAndUpdate(ctx,
			bson.M{"_id": id},
			bson.M{"$inc": bson.M{"n": by}, "$setOnInsert": bson.M{"expires_at": expiresAt}},
			options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After),
		).Decode(&doc)
		if err == nil {
			return doc.N, nil
		}
		if !isDuplicate(err) || try == 3 {
			return 0, fmt.Errorf("count %s: %w", id, err)
		}
	}
}

// Count implements quota.Store.
func (q *Quotas) Count(ctx context.Context, id string) (int, error) {
	var doc struct {
		N int `bson:"n"`
	}
	err := q.d.DB.Collection(quotaCollection).FindOne(ctx, bson.M{"_id": id}).Decode(&doc)
	if notFound(err) {
		return 0, nil
	}
	return doc.N, err
}
