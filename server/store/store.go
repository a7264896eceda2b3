// Package store connects the server to its database: a MongoDB deployment when MONGODB_URI is set,
// otherwise an embedded MongoDB-compatible store (FerretDB on SQLite) started in this process, so
// one command runs the whole product. Every capability keeps its own collections and queries next
// to its code; this package only opens the connection, creates indexes in a way both engines accept,
// and expires old documents where the engine has no TTL indexes.
//
// Rules every caller follows, because production is MongoDB and the embedded store is not:
// atomicity is that of a single document (no transactions); uniqueness is enforced by unique
// indexes on plain fields (no partial indexes); expiry is always also checked when a document is
// read (TTL deletion is late on MongoDB and emulated here on the embedded store).
package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// Config says where the data lives.
type Config struct {
	// URI of a MongoDB deployment; empty starts the embedded store.
	URI string
	// Database name.
	Database string
	// DataDir holds the embedded store's SQLite files.
	DataDir string
	Logger  *slog.Logger
}

// Store is an open database.
type Store struct {
	Client *mongo.Client
	DB     *mongo.Database
	// Embedded is true for the in-process store.
	Embedded bool

	log      *slog.Logger
	stop     context.CancelFunc
	done     chan struct{}
	mu       sync.Mutex
	expiring []string
}

// Open connects to MongoDB, or starts the embedded store and connects to it.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Database == "" {
		cfg.Database = "jszg"
	}
	s := &Store{log: cfg.Logger, done: make(chan struct{})}
	opts := options.Client().SetTimeout(10 * time.Second)
	uri := cfg.URI
	if uri == "" {
		var err error
		uri, err = s.startEmbedded(cfg)
		if err != nil {
			return nil, err
		}
		s.Embedded = true
		// The embedded store does not apply concurrent updates from several connections
		// atomically; over one connection they are exact. MongoDB gets a normal pool.
		opts.SetMaxPoolSize(1)
	} else {
		close(s.done)
	}
	opts.ApplyURI(uri)
	client, err := mongo.Connect(ctx, opts)
	if err != nil {
		s.Close(context.Background())
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	s.Client = client
	s.DB = client.Database(cfg.Database)
	if err := client.Ping(ctx, nil); err != nil {
		s.Close(context.Background())
		return nil, fmt.Errorf("ping database: %w", err)
	}
	return s, nil
}

func (s *Store) startEmbedded(cfg Config) (string, error) {
	dir := cfg.DataDir
	if dir == "" {
		dir = "data"
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("create data directory: %w", err)
	}
	// FerretDB logs every connection at info level; only its warnings matter to us.
	quiet := slog.New(levelFloor{cfg.Logger.Handler(), slog.LevelWarn})
	f, err := ferretdb.New(&ferretdb.Config{
		// Loopback only, on a free port: nothing outside this machine can reach it.
		Listener: ferretdb.ListenerConfig{TCP: "127.0.0.1:0"},
		Handler:  "sqlite",
		// WAL (FerretDB's default) with synchronous=NORMAL: a commit no longer waits for an
		// fsync, which halves the time of a write; a power cut may lose the last moments of
		// writes but never corrupts the database. Production durability is MongoDB's.
		SQLiteURL: "file:" + filepath.ToSlash(dir) + "/?_pragma=synchronous(NORMAL)",
		Logger:    quiet,
	})
	if err != nil {
		return "", fmt.Errorf("start embedded store: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.stop = cancel
	go func() {
		defer close(s.done)
		_ = f.Run(ctx)
	}()
	return f.MongoDBURI(), nil
}

// Close disconnects and stops the embedded store.
func (s *Store) Close(ctx context.Context) {
	if s.Client != nil {
		_ = s.Client.Disconnect(ctx)
	}
	if s.stop != nil {
		s.stop()
	}
	select {
	case <-s.done:
	case <-ctx.Done():
	}
}

// Index describes one index of a collection.
type Index struct {
	Keys   bson.D
	Unique bool
	// ExpireAfter makes a TTL index (MongoDB) on a single date field; the embedded store gets
	// the periodic sweep instead.
	ExpireAfter *time.Duration
}

// Expire is a TTL of zero: the document goes when the date in the field has passed.
var Expire = func() *time.Duration { d := time.Duration(0); return &d }()

// EnsureIndexes creates the indexes of a collection (idempotent).
func (s *Store) EnsureIndexes(ctx context.Context, collection string, idx ...Index) error {
	var models []mongo.IndexModel
	for _, i := range idx {
		o := options.Index()
		if i.Unique {
			o.SetUnique(true)
		}
		if i.ExpireAfter != nil {
			if s.Embedded {
				s.mu.Lock()
				s.expiring = append(s.expiring, collection+"\x00"+i.Keys[0].Key)
				s.mu.Unlock()
				continue
			}
			o.SetExpireAfterSeconds(int32(i.ExpireAfter.Seconds()))
		}
		models = append(models, mongo.IndexModel{Keys: i.Keys, Options: o})
	}
	if len(models) == 0 {
		return nil
	}
	_, err := s.DB.Collection(collection).Indexes().CreateMany(ctx, models)
	if err != nil {
		return fmt.Errorf("create indexes on %s: %w", collection, err)
	}
	return nil
}

// SweepExpired deletes, on the embedded store, every document whose TTL field is before now. On
// MongoDB the TTL monitor does this and SweepExpired does nothing.
func (s *Store) SweepExpired(ctx context.Context, now time.Time) (int64, error) {
	s.mu.Lock()
	targets := append([]string(nil), s.expiring...)
	s.mu.Unlock()
	var total int64
	for _, t := range targets {
		coll, field, _ := cut(t)
		res, err := s.DB.Collection(coll).DeleteMany(ctx, bson.M{field: bson.M{"$lt": now}})
		if err != nil {
			return total, err
		}
		total += res.DeletedCount
	}
	return total, nil
}

// RunSweeper sweeps expired documents every interval until ctx ends (embedded store only).
func (s *Store) RunSweeper(ctx context.Context, every time.Duration, now func() time.Time) {
	if !s.Embedded {
		return
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := s.SweepExpired(ctx, now()); err != nil {
				s.log.Warn("expiry sweep failed", "err", err)
			} else if n > 0 {
				s.log.Debug("expiry sweep", "deleted", n)
			}
		}
	}
}

func cut(s string) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

// IsDuplicateKey reports whether err is a unique-index violation.
func IsDuplicateKey(err error) bool {
	return mongo.IsDuplicateKeyError(err)
}

// ErrNotFound is returned by lookups that find nothing.
var ErrNotFound = errors.New("not found")

// levelFloor drops records below a level.
type levelFloor struct {
	slog.Handler
	min slog.Level
}

func (l levelFloor) Enabled(ctx context.Context, lv slog.Level) bool {
	return lv >= l.min && l.Handler.Enabled(ctx, lv)
}

func (l levelFloor) Handle(ctx context.Context, r slog.Record) error {
	if r.Level < l.min {
		return nil
	}
	return l.Handler.Handle(ctx, r)
}

func (l levelFloor) WithAttrs(as []slog.Attr) slog.Handler {
	return levelFloor{l.Handler.WithAttrs(as), l.min}
}

func (l levelFloor) WithGroup(name string) slog.Handler {
	return levelFloor{l.Handler.WithGroup(name), l.min}
}
