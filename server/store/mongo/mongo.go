// Package mongo is the production store: every capability's store interface implemented on a
// MongoDB replica set or sharded cluster through the official driver. It uses what MongoDB has and
// nothing one engine alone does: unique indexes on plain fields, TTL indexes, and conditional
// single-document updates (no transactions, so each change is one atomic document operation).
// Indexes are created only where missing, so that starting a second instance, or the same one
// again, changes nothing.
//
// The tests run the same contract suites on a MongoDB server when MONGODB_URI is set and, when
// it is not, on FerretDB, a MongoDB wire-protocol engine started in process (mongotest). What
// that engine lacks is declared in one place, Options: it has no TTL monitor (Sweep then deletes
// expired documents) and it applies concurrent updates atomically only over one connection.
package mongo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"jszg/server/pii"
)

// Options say where the database is and what the engine can do.
type Options struct {
	URI      string
	Database string
	// NoTTL: the engine has no TTL monitor; TTL indexes are not created and Sweep deletes
	// expired documents instead (FerretDB).
	NoTTL bool
	// MaxPoolSize bounds the connections; 0 is the driver's default. FerretDB needs 1.
	MaxPoolSize uint64
}

// DB is an open MongoDB database.
type DB struct {
	Client *mongo.Client
	DB     *mongo.Database
	opts   Options

	mu       sync.Mutex
	expiring []ttlField
	// pii seals the accounts' personal information (SetPersonalDataKeys); set once at start.
	pii *pii.Keys
}

// SetPersonalDataKeys gives the accounts the keys that seal and index personal information. It
// is called once, before the accounts are used.
func (d *DB) SetPersonalDataKeys(k *pii.Keys) { d.pii = k }

type ttlField struct{ coll, field string }

// Open connects, pings and creates the indexes every store needs that are missing.
func Open(ctx context.Context, o Options) (*DB, error) {
	if o.Database == "" {
		o.Database = "jszg"
	}
	co := options.Client().ApplyURI(o.URI).SetTimeout(10 * time.Second)
	if o.MaxPoolSize > 0 {
		co.SetMaxPoolSize(o.MaxPoolSize)
	}
	client, err := mongo.Connect(ctx, co)
	if err != nil {
		return nil, fmt.Errorf("connect to MongoDB: %w", err)
	}
	if err := client.Ping(ctx, nil); err != nil {
		_ = client.Disconnect(context.Background())
		return nil, fmt.Errorf("ping MongoDB: %w", err)
	}
	d := &DB{Client: client, DB: client.Database(o.Database), opts: o}
	for _, s := range setups {
		if err := s(ctx, d); err != nil {
			_ = client.Disconnect(context.Background())
			return nil, err
		}
	}
	return d, nil
}

// setups create each store's indexes; every store file adds its own from an init function.
var setups []func(context.Context, *DB) error

func setup(f func(context.Context, *DB) error) { setups = append(setups, f) }

// Close disconnects.
func (d *DB) Close(ctx context.Context) error { return d.Client.Disconnect(ctx) }

// Ping checks the connection.
func (d *DB) Ping(ctx context.Context) error { return d.Client.Ping(ctx, nil) }

// Drop removes the whole database (tests).
func (d *DB) Drop(ctx context.Context) error { return d.DB.Drop(ctx) }

// index is one index of a collection. Name is given so that "already there" is a comparison of
// names, not of key documents each engine may spell differently.
type index struct {
	name   string
	keys   bson.D
	unique bool
	// ttl: the document goes when the date in the (single) key field has passed.
	ttl bool
}

// ensureIndexes creates the indexes of coll that it does not have yet.
func (d *DB) ensureIndexes(ctx context.Context, coll string, idx ...index) error {
	have := map[string]bool{}
	cur, err := d.DB.Collection(coll).Indexes().List(ctx)
	if err != nil && !isNamespaceNotFound(err) {
		return fmt.Errorf("list indexes of %s: %w", coll, err)
	}
	if err == nil {
		var specs []struct {
			Name string `bson:"name"`
		}
		if err := cur.All(ctx, &specs); err != nil {
			return fmt.Errorf("list indexes of %s: %w", coll, err)
		}
		for _, s := range specs {
			have[s.Name] = true
		}
	}
	var models []mongo.IndexModel
	for _, i := range idx {
		if i.ttl && d.opts.NoTTL {
			d.mu.Lock()
			d.expiring = append(d.expiring, ttlField{coll, i.keys[0].Key})
			d.mu.Unlock()
			// The sweep still wants an index to find expired documents by.
			i.ttl = false
		}
		if have[i.name] {
			continue
		}
		o := options.Index().SetName(i.name)
		if i.unique {
			o.SetUnique(true)
		}
		if i.ttl {
			o.SetExpireAfterSeconds(0)
		}
		models = append(models, mongo.IndexModel{Keys: i.keys, Options: o})
	}
	if len(models) == 0 {
		return nil
	}
	if _, err := d.DB.Collection(coll).Indexes().CreateMany(ctx, models); err != nil {
		return fmt.Errorf("create indexes on %s: %w", coll, err)
	}
	return nil
}

func isNamespaceNotFound(err error) bool {
	var ce mongo.CommandError
	if errors.As(err, &ce) {
		return ce.Code == 26 || strings.Contains(ce.Message, "ns does not exist")
	}
	return false
}

// Sweep deletes expired documents on an engine without a TTL monitor; on MongoDB it does nothing.
func (d *DB) Sweep(ctx context.Context, now time.Time) (int64, error) {
	d.mu.Lock()
	targets := append([]ttlField(nil), d.expiring...)
	d.mu.Unlock()
	var total int64
	for _, t := range targets {
		res, err := d.DB.Collection(t.coll).DeleteMany(ctx, bson.M{t.field: bson.M{"$lt": now}})
		if err != nil {
			return total, fmt.Errorf("sweep %s: %w", t.coll, err)
		}
		total += res.DeletedCount
	}
	return total, nil
}

// isDuplicate reports a unique-index violation.
// The wire-protocol engine of the tests reports a unique index hit by an update as an internal
// error carrying SQLite's message rather than as a duplicate key; both mean the same here.
func isDuplicate(err error) bool {
	return mongo.IsDuplicateKeyError(err) || (err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed"))
}

// notFound reports that a single-document read or find-and-modify found nothing.
func notFound(err error) bool { return errors.Is(err, mongo.ErrNoDocuments) }

// Options returns what the database was opened with.
func (d *DB) Options() Options { return d.opts }
