package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

const moeSchema = `
CREATE TABLE moe_states (
	id         TEXT PRIMARY KEY,
	value      TEXT NOT NULL,
	expires_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX moe_states_expires ON moe_states (expires_at);
`

func init() { expires("moe_states", "expires_at") }

// MoEStates is the moelogin.Store.
type MoEStates struct{ db *DB }

// MoEStates returns the records of 教育部账号登录.
func (db *DB) MoEStates() *MoEStates { return &MoEStates{db} }

// Put implements moelogin.Store.
func (s *MoEStates) Put(ctx context.Context, id, value string, expiresAt time.Time) error {
	_, err := s.db.w.ExecContext(ctx, `INSERT INTO moe_states (id, value, expires_at) VALUES (?, ?, ?)`, id, value, ms(expiresAt))
	return err
}

// Take implements moelogin.Store: one DELETE … RETURNING, so one caller alone gets the value.
func (s *MoEStates) Take(ctx context.Context, id string, now time.Time) (string, bool, error) {
	var v string
	err := s.db.w.QueryRowContext(ctx, `DELETE FROM moe_states WHERE id = ? AND expires_at > ? RETURNING value`, id, ms(now)).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return v, err == nil, err
}

// Get implements moelogin.Store.
func (s *MoEStates) Get(ctx context.Context, id string, now time.Time) (string, bool, error) {
	var v string
	err := s.db.r.QueryRowContext(ctx, `SELECT value FROM moe_states WHERE id = ? AND expires_at > ?`, id, ms(now)).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return v, err == nil, err
}
