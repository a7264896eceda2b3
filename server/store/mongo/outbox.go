package mongo

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"jszg/server/outbox"
)

// The developer outbox of the stand-ins only grows. Its _id is the driver's ObjectID, made in
// order within a process, which orders messages of the same millisecond by when they were put.
const outboxCollection = "dev_outbox"

func init() {
	setup(func(ctx context.Context, d *DB) error {
		return d.ensureIndexes(ctx, outboxCollection,
			index{name: "to_sent_at", keys: bson.D{{Key: "to", Value: 1}, {Key: "sent_at", Value: -1}, {Key: "_id", Value: -1}}},
			index{name: "sent_at", keys: bson.D{{Key: "sent_at", Value: -1}, {Key: "_id", Value: -1}}},
		)
	})
}

type outboxDoc struct {
	Channel string    `bson:"channel"`
	To      string    `bson:"to"`
	Subject string    `bson:"subject,omitempty"`
	Text    string    `bson:"text"`
	Code    string    `bson:"code,omitempty"`
	SentAt  time.Time `bson:"sent_at"`
}

// Outbox is the outbox.Store.
type Outbox struct{ d *DB }

// Outbox returns the developer outbox.
func (d *DB) Outbox() *Outbox { return &Outbox{d} }

// Put implements outbox.Store.
func (o *Outbox) Put(ctx context.Context, m outbox.Message) error {
	_, err := o.d.DB.Collection(outboxCollection).InsertOne(ctx, outboxDoc(m))
	return err
}

// List implements outbox.Store.
func (o *Outbox) List(ctx context.Context, to string, limit int64) ([]outbox.Message, error) {
	filter := bson.M{}
	if to != "" {
		filter["to"] = to
	}
	opts := options.Find().SetSort(bson.D{{Key: "sent_at", Value: -1}, {Key: "_id", Value: -1}})
	if limit > 0 {
		opts.SetLimit(limit)
	}
	cur, err := o.d.DB.Collection(outboxCollection).Find(ctx, filter, opts)
	if err != nil {
		return nil, err
	}
	var docs []outboxDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	out := make([]outbox.Message, len(docs))
	for i, doc := range docs {
		out[i] = outbox.Message(doc)
	}
	return out, nil
}
