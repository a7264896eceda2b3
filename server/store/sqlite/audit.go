package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"

	"jszg/server/audit"
)

// The audit log only grows: rows are inserted, never changed. The rowid orders records of the
// same millisecond by when they were appended; both indexes end in it implicitly.
const auditSchema = `
CREATE TABLE audit (
	id         INTEGER PRIMARY KEY,
	at         INTEGER NOT NULL,
	event      TEXT NOT NULL,
	account_id TEXT NOT NULL DEFAULT '',
	actor      TEXT NOT NULL DEFAULT '',
	addr       TEXT NOT NULL DEFAULT '',
	subject    TEXT NOT NULL DEFAULT '',
	detail     TEXT
) STRICT;
CREATE INDEX audit_at ON audit (at);
CREATE INDEX audit_account_at ON audit (account_id, at);
`

// Audit is the audit.Store.
type Audit struct{ db *DB }

// Audit returns the audit log.
func (db *DB) Audit() *Audit { return &Audit{db} }

// Append implements audit.Store; Detail is kept as a JSON object.
func (a *Audit) Append(ctx context.Context, r audit.Record) error {
	var detail sql.NullString
	if len(r.Detail) > 0 {
		b, err := json.Marshal(r.Detail)
		if err != nil {
			return err
		}
		detail = sql.NullString{String: string(b), Valid: true}
	}
	_, err := a.db.w.ExecContext(ctx, `
		INSERT INTO audit (at, event, account_id, actor, addr, subject, detail) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		ms(r.At), r.Event, r.AccountID, r.Actor, r.Addr, r.Subject, detail)
	return err
}

// List implements audit.Store.
func (a *Audit) List(ctx context.Context, accountID string, limit int64) ([]audit.Record, error) {
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	q := `SELECT at, event, account_id, actor, addr, subject, detail FROM audit `
	args := []any{}
	if accountID != "" {
		q += `WHERE account_id = ? `
		args = append(args, accountID)
	}
	q += `ORDER BY at DESC, id DESC LIMIT ?`
	rows, err := a.db.r.QueryContext(ctx, q, append(args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []audit.Record
	for rows.Next() {
		var r audit.Record
		var atMS int64
		var detail sql.NullString
		if err := rows.Scan(&atMS, &r.Event, &r.AccountID, &r.Actor, &r.Addr, &r.Subject, &detail); err != nil {
			return nil, err
		}
		r.At = at(atMS)
		if detail.Valid {
			if err := json.Unmarshal([]byte(detail.String), &r.Detail); err != nil {
				return nil, err
			}
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
