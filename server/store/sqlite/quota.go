package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

const quotaSchema = `
CREATE TABLE quota_counters (
	id         TEXT PRIMARY KEY,
	n          INTEGER NOT NULL,
	expires_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX quota_counters_expires ON quota_counters (expires_at);
`

func init() { expires("quota_counters", "expires_at") }

// Quotas is the quota.Store.
type Quotas struct{ db *DB }

// Quotas returns the counters.
func (db *DB) Quotas() *Quotas { return &Quotas{db} }

// Add implements quota.Store with one upsert: the row is created or changed, and its new value
// read back, by the same statement.
func (q *Quotas) Add(ctx context.Context, id string, by int, expiresAt time.Time) (int, error) {
	var n int
	err := q.db.w.QueryRowContext(ctx, `
		INSERT INTO quota_counters (id, n, expires_at) VALUES (?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET n = n + excluded.n
		RETURNING n`, id, by, ms(expiresAt)).Scan(&n)
	return n, err
}

// Count implements quota.Store.
func (q *Quotas) Count(ctx context.Context, id string) (int, error) {
	var n int
	err := q.db.r.QueryRowContext(ctx, `SELECT n FROM quota_counters WHERE id = ?`, id).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return n, err
}
