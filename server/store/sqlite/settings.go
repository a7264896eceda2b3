package sqlite

import "context"

const settingsSchema = `
CREATE TABLE settings (
	name  TEXT PRIMARY KEY,
	value TEXT NOT NULL
) STRICT, WITHOUT ROWID;
`

// Settings is the settings.Store.
type Settings struct{ db *DB }

// Settings returns the settings.
func (db *DB) Settings() *Settings { return &Settings{db} }

// PutIfAbsent implements settings.Store: the insert does nothing when the name exists, and the
// value is read back on the same (writer) connection, so it is the one that won.
func (s *Settings) PutIfAbsent(ctx context.Context, name, value string) (string, error) {
	if _, err := s.db.w.ExecContext(ctx, `INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`, name, value); err != nil {
		return "", err
	}
	var v string
	err := s.db.w.QueryRowContext(ctx, `SELECT value FROM settings WHERE name = ?`, name).Scan(&v)
	return v, err
}
