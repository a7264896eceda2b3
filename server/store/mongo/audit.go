package mongo

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"jszg/server/audit"
)

// The audit log only grows. Its _id is the driver's ObjectID, made in order within a process,
// which orders records of the same millisecond by when they were appended.
const auditCollection = "audit"

func init() {
	setup(func(ctx context.Context, d *DB) error {
		return d.ensureIndexes(ctx, auditCollection,
			index{name: "account_id_at", keys: bson.D{{Key: "account_id", Value: 1}, {Key: "at", Value: -1}, {Key: "_id", Value: -1}}},
			index{name: "at", keys: bson.D{{Key: "at", Value: -1}, {Key: "_id", Value: -1}}},
		)
	})
}

type auditDoc struct {
	At        time.Time         `bson:"at"`
	Event     string            `bson:"event"`
	AccountID string            `bson:"account_id,omitempty"`
	Actor     string            `bson:"actor,omitempty"`
	Addr      string            `bson:"addr,omitempty"`
	Subject   string            `bson:"subject,omitempty"`
	Detail    map[string]string `bson:"detail,omitempty"`
}

// Audit is the audit.Store.
type Audit struct{ d *DB }

// Audit returns the audit log.
func (d *DB) Audit() *Audit { return &Audit{d} }

// Append implements audit.Store.
func (a *Audit) Append(ctx context.Context, r audit.Record) error {
	_, err := a.d.DB.Collection(auditCollection).InsertOne(ctx, auditDoc(r))
	return err
}

// List implements audit.Store.
func (a *Audit) List(ctx context.Context, accountID string, limit int64) ([]audit.Record, error) {
	filter := bson.M{}
	if accountID != "" {
		filter["account_id"] = accountID
	}
	o := options.Find().SetSort(bson.D{{Key: "at", Value: -1}, {Key: "_id", Value: -1}})
	if limit > 0 {
		o.SetLimit(limit)
	}
	cur, err := a.d.DB.Collection(auditCollection).Find(ctx, filter, o)
	if err != nil {
		return nil, err
	}
	var docs []auditDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	out := make([]audit.Record, len(docs))
	for i, doc := range docs {
		out[i] = audit.Record(doc)
	}
	return out, nil
}
