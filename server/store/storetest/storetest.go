// Package storetest opens a real database for tests: the embedded store in a fresh temporary
// directory, or, when MONGODB_URI is set, a fresh database on that MongoDB server (dropped when the
// test ends). Tests of every capability run against it, never against a mock.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"jszg/server/store"
)

// Open returns an open store that is closed (and, on MongoDB, dropped) when t ends.
func Open(t testing.TB) *store.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var b [6]byte
	_, _ = rand.Read(b[:])
	cfg := store.Config{
		URI:      os.Getenv("MONGODB_URI"),
		Database: "jszg_test_" + hex.EncodeToString(b[:]),
		DataDir:  t.TempDir(),
		Logger:   slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	s, err := store.Open(ctx, cfg)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if !s.Embedded {
			_ = s.DB.Drop(ctx)
		}
		s.Close(ctx)
	})
	return s
}
