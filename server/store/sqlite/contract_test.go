package sqlite_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"jszg/server/pii"
	"jszg/server/quota"
	"jszg/server/quota/quotatest"
	"jszg/server/store/sqlite"
)

// open returns a new embedded database in a temporary directory, closed when t ends.
func open(t *testing.T) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	db.SetPersonalDataKeys(pii.ForTests())
	return db
}

func TestQuotaContract(t *testing.T) {
	quotatest.Run(t, func(t *testing.T) quota.Store { return open(t).Quotas() })
}

// Sweep deletes what has expired, on every expiring table, and keeps the rest.
func TestSweepDeletesExpiredRows(t *testing.T) {
	ctx := context.Background()
	db := open(t)
	now := time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)
	q := db.Quotas()
	for i := range 2500 {
		if _, err := q.Add(ctx, fmt.Sprint("old", i), 1, now.Add(-time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := q.Add(ctx, "live", 1, now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	n, err := db.Sweep(ctx, now)
	if err != nil || n != 2500 {
		t.Fatalf("swept %d, %v; want 2500", n, err)
	}
	if c, _ := q.Count(ctx, "live"); c != 1 {
		t.Fatalf("live counter %d, want 1", c)
	}
	if c, _ := q.Count(ctx, "old7"); c != 0 {
		t.Fatalf("expired counter %d, want 0", c)
	}
}

// The database file holds personal data: only its owner may read it.
func TestDatabaseFileIsPrivate(t *testing.T) {
	db := open(t)
	fi, err := os.Stat(db.Path())
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, want 0600", fi.Mode().Perm())
	}
}
