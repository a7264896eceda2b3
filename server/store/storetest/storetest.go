// Package storetest opens real stores for the tests of the flows and services: the embedded
// SQLite store in a fresh temporary directory by default, or a fresh MongoDB database when
// MONGODB_URI is set. Built with the tag ferretdb, JSZG_TEST_STORE=ferretdb runs them on the
// in-process wire-protocol engine instead (the tag keeps that engine out of every other test
// binary, which the race detector would otherwise instrument too). Tests run against a real
// engine, never against a mock.
package storetest

import (
	"context"
	"os"
	"testing"

	"jszg/server/pii"
	"jszg/server/store"
	"jszg/server/store/mongo"
	"jszg/server/store/sqlite"
)

// openMongo opens a fresh MongoDB database for t (mongo.go, or ferretdb.go with the tag).
var openMongo func(t testing.TB) *mongo.DB

// Open returns every store on a new, empty database, closed when t ends.
func Open(t testing.TB) *store.Stores {
	t.Helper()
	if os.Getenv("MONGODB_URI") != "" || os.Getenv("JSZG_TEST_STORE") == "ferretdb" {
		return store.OnMongo(openMongo(t))
	}
	return store.OnSQLite(SQLite(t, t.TempDir()))
}

// SQLite opens the embedded database in dir, closed when t ends.
func SQLite(t testing.TB, dir string) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), dir)
	if err != nil {
		t.Fatalf("open embedded store: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	db.SetPersonalDataKeys(pii.ForTests())
	return db
}
