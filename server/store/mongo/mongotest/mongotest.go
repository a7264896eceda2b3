// Package mongotest opens a fresh MongoDB database for tests: on the server of MONGODB_URI when
// it is set, otherwise on FerretDB, a MongoDB wire-protocol engine (on SQLite) started in this
// process on a loopback port. Only tests import it, so the server binary carries no FerretDB.
package mongotest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"

	"jszg/server/pii"
	"jszg/server/store/mongo"
)

// Open returns a new, empty database, dropped (or its engine stopped) when t ends.
func Open(t testing.TB) *mongo.DB {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var b [6]byte
	_, _ = rand.Read(b[:])
	o := mongo.Options{URI: os.Getenv("MONGODB_URI"), Database: "jszg_test_" + hex.EncodeToString(b[:])}
	if o.URI == "" {
		o.URI = startFerretDB(t)
		// What FerretDB v1 lacks, said once: no TTL monitor, and concurrent updates are atomic
		// only over a single connection.
		o.NoTTL, o.MaxPoolSize = true, 1
	}
	d, err := mongo.Open(ctx, o)
	if err == nil {
		d.SetPersonalDataKeys(pii.ForTests())
	}
	if err != nil {
		t.Fatalf("open MongoDB: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = d.Drop(ctx)
		_ = d.Close(ctx)
	})
	return d
}

// Reopen connects again to the database of d, as a restarted server would.
func Reopen(t testing.TB, d *mongo.DB) *mongo.DB {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	d2, err := mongo.Open(ctx, d.Options())
	if err != nil {
		t.Fatalf("reopen MongoDB: %v", err)
	}
	t.Cleanup(func() { _ = d2.Close(context.Background()) })
	return d2
}

func startFerretDB(t testing.TB) string {
	dir := t.TempDir()
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: "127.0.0.1:0"},
		Handler:   "sqlite",
		SQLiteURL: "file:" + filepath.ToSlash(dir) + "/",
		Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatalf("start FerretDB: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = f.Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return f.MongoDBURI()
}
