package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"jszg/server/staff"
)

// Staff accounts of the reviewer console, apart from applicants' accounts.
const staffSchema = `
CREATE TABLE staff (
	id            TEXT PRIMARY KEY,
	username      TEXT NOT NULL UNIQUE,
	role          TEXT NOT NULL,
	password_hash TEXT NOT NULL,
	totp_secret   TEXT NOT NULL,
	must_change   INTEGER NOT NULL,
	disabled      INTEGER NOT NULL,
	created_at    INTEGER NOT NULL
) STRICT;
`

const staffColumns = `id, username, role, password_hash, totp_secret, must_change, disabled, created_at`

// Staff is the staff.Store.
type Staff struct{ db *DB }

// Staff returns the staff accounts.
func (db *DB) Staff() *Staff { return &Staff{db} }

// Create implements staff.Store.
func (s *Staff) Create(ctx context.Context, m *staff.Member) error {
	_, err := s.db.w.ExecContext(ctx, `INSERT INTO staff (`+staffColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		m.ID, m.Username, m.Role, m.PasswordHash, m.TOTPSecret, m.MustChange, m.Disabled, ms(m.CreatedAt))
	if isUnique(err) {
		return staff.ErrTaken
	}
	return err
}

func scanStaff(r rowScanner) (*staff.Member, error) {
	var m staff.Member
	var created int64
	err := r.Scan(&m.ID, &m.Username, &m.Role, &m.PasswordHash, &m.TOTPSecret, &m.MustChange, &m.Disabled, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, staff.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load staff: %w", err)
	}
	m.CreatedAt = at(created)
	return &m, nil
}

// ByUsername implements staff.Store.
func (s *Staff) ByUsername(ctx context.Context, username string) (*staff.Member, error) {
	return scanStaff(s.db.r.QueryRowContext(ctx, `SELECT `+staffColumns+` FROM staff WHERE username = ?`, username))
}

// ByID implements staff.Store.
func (s *Staff) ByID(ctx context.Context, id string) (*staff.Member, error) {
	return scanStaff(s.db.r.QueryRowContext(ctx, `SELECT `+staffColumns+` FROM staff WHERE id = ?`, id))
}

// List implements staff.Store.
func (s *Staff) List(ctx context.Context) ([]*staff.Member, error) {
	rows, err := s.db.r.QueryContext(ctx, `SELECT `+staffColumns+` FROM staff ORDER BY username`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*staff.Member
	for rows.Next() {
		m, err := scanStaff(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// Count implements staff.Store.
func (s *Staff) Count(ctx context.Context) (int, error) {
	var n int
	err := s.db.r.QueryRowContext(ctx, `SELECT count(*) FROM staff`).Scan(&n)
	return n, err
}

// SetPassword implements staff.Store.
func (s *Staff) SetPassword(ctx context.Context, id, hash string, mustChange bool) error {
	_, err := s.db.w.ExecContext(ctx, `UPDATE staff SET password_hash = ?, must_change = ? WHERE id = ?`, hash, mustChange, id)
	return err
}

// SetDisabled implements staff.Store.
func (s *Staff) SetDisabled(ctx context.Context, id string, disabled bool) error {
	_, err := s.db.w.ExecContext(ctx, `UPDATE staff SET disabled = ? WHERE id = ?`, disabled, id)
	return err
}
