package sqlite_test

import (
	"context"
	"testing"

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
	return db
}

func TestQuotaContract(t *testing.T) {
	quotatest.Run(t, func(t *testing.T) quota.Store { return open(t).Quotas() })
}
