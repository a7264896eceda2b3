package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"jszg/server/session"
)

// A session row goes when its idle time has passed (idle_until never exceeds ends_at).
const sessionsSchema = `
CREATE TABLE sessions (
	id         TEXT PRIMARY KEY,
	account_id TEXT NOT NULL,
	kind       TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	seen_at    INTEGER NOT NULL,
	idle_until INTEGER NOT NULL,
	ends_at    INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX sessions_account ON sessions (account_id);
CREATE INDEX sessions_idle_until ON sessions (idle_until);
`

func init() { expires("sessions", "idle_until") }

// Sessions is the session.Store.
type Sessions struct{ db *DB }

// Sessions returns the sessions.
func (db *DB) Sessions() *Sessions { return &Sessions{db} }

// Insert implements session.Store.
func (s *Sessions) Insert(ctx context.Context, x *session.Session) error {
	_, err := s.db.w.ExecContext(ctx, `INSERT INTO sessions (id, account_id, kind, created_at, seen_at, idle_until, ends_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, x.ID, x.AccountID, x.Kind, ms(x.CreatedAt), ms(x.SeenAt), ms(x.IdleUntil), ms(x.EndsAt))
	return err
}

// Get implements session.Store.
func (s *Sessions) Get(ctx context.Context, id string) (*session.Session, error) {
	var x session.Session
	var created, seen, idle, ends int64
	err := s.db.r.QueryRowContext(ctx, `SELECT id, account_id, kind, created_at, seen_at, idle_until, ends_at
		FROM sessions WHERE id = ?`, id).Scan(&x.ID, &x.AccountID, &x.Kind, &created, &seen, &idle, &ends)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, session.ErrNoSession
	}
	if err != nil {
		return nil, err
	}
	x.CreatedAt, x.SeenAt, x.IdleUntil, x.EndsAt = at(created), at(seen), at(idle), at(ends)
	return &x, nil
}

// Touch implements session.Store.
func (s *Sessions) Touch(ctx context.Context, id string, seenAt, idleUntil time.Time) error {
	_, err := s.db.w.ExecContext(ctx, `UPDATE sessions SET seen_at = ?, idle_until = ? WHERE id = ?`, ms(seenAt), ms(idleUntil), id)
	return err
}

// Delete implements session.Store.
func (s *Sessions) Delete(ctx context.Context, id string) error {
	_, err := s.db.w.ExecContext(ctx, `DELETE FROM sessions WHERE id = ?`, id)
	return err
}

// DeleteByAccount implements session.Store.
func (s *Sessions) DeleteByAccount(ctx context.Context, accountID, exceptID string) (int64, error) {
	res, err := s.db.w.ExecContext(ctx, `DELETE FROM sessions WHERE account_id = ? AND id != ?`, accountID, exceptID)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
