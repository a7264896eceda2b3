package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"jszg/server/passwordreset"
)

const passwordResetSchema = `
CREATE TABLE password_resets (
	id         TEXT PRIMARY KEY,
	kind       TEXT NOT NULL,
	account_id TEXT NOT NULL,
	doc_number TEXT NOT NULL,
	decoy      TEXT NOT NULL,
	channel    TEXT NOT NULL,
	stamp      TEXT NOT NULL,
	scene      TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	used_at    INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX password_resets_expires ON password_resets (expires_at);
`

func init() { expires("password_resets", "expires_at") }

// PasswordResets is the passwordreset.Store.
type PasswordResets struct{ db *DB }

// PasswordResets returns the password-reset tickets.
func (db *DB) PasswordResets() *PasswordResets { return &PasswordResets{db} }

// Insert implements passwordreset.Store.
func (s *PasswordResets) Insert(ctx context.Context, t *passwordreset.Ticket) error {
	_, err := s.db.w.ExecContext(ctx, `INSERT INTO password_resets
		(id, kind, account_id, doc_number, decoy, channel, stamp, scene, created_at, expires_at, used_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		t.ID, t.Kind, t.AccountID, t.DocNumber, t.Decoy, t.Channel, t.Stamp, t.Scene, ms(t.CreatedAt), ms(t.ExpiresAt), ms(t.UsedAt))
	if err != nil {
		return fmt.Errorf("insert password reset: %w", err)
	}
	return nil
}

// Get implements passwordreset.Store.
func (s *PasswordResets) Get(ctx context.Context, id string, now time.Time) (*passwordreset.Ticket, error) {
	var t passwordreset.Ticket
	var created, expiresAt, used int64
	err := s.db.r.QueryRowContext(ctx, `SELECT id, kind, account_id, doc_number, decoy, channel, stamp, scene,
		created_at, expires_at, used_at FROM password_resets WHERE id = ? AND expires_at > ?`, id, ms(now)).Scan(
		&t.ID, &t.Kind, &t.AccountID, &t.DocNumber, &t.Decoy, &t.Channel, &t.Stamp, &t.Scene, &created, &expiresAt, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, passwordreset.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load password reset: %w", err)
	}
	t.CreatedAt, t.ExpiresAt, t.UsedAt = at(created), at(expiresAt), at(used)
	return &t, nil
}

// SetScene implements passwordreset.Store.
func (s *PasswordResets) SetScene(ctx context.Context, id, scene string, now time.Time) error {
	_, err := s.db.w.ExecContext(ctx, `UPDATE password_resets SET scene = ? WHERE id = ? AND expires_at > ? AND used_at = 0`,
		scene, id, ms(now))
	return err
}

// Use implements passwordreset.Store.
func (s *PasswordResets) Use(ctx context.Context, id string, now time.Time) (bool, error) {
	res, err := s.db.w.ExecContext(ctx, `UPDATE password_resets SET used_at = ? WHERE id = ? AND expires_at > ? AND used_at = 0`,
		ms(now), id, ms(now))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
