package sqlite

import (
	"context"

	"jszg/server/outbox"
)

// The developer outbox of the stand-ins: rows are inserted, never changed. The rowid orders
// messages of the same millisecond by when they were put; both indexes end in it implicitly.
const outboxSchema = `
CREATE TABLE dev_outbox (
	id        INTEGER PRIMARY KEY,
	sent_at   INTEGER NOT NULL,
	channel   TEXT NOT NULL,
	recipient TEXT NOT NULL,
	subject   TEXT NOT NULL DEFAULT '',
	text      TEXT NOT NULL,
	code      TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX dev_outbox_sent_at ON dev_outbox (sent_at);
CREATE INDEX dev_outbox_recipient_sent_at ON dev_outbox (recipient, sent_at);
`

// Outbox is the outbox.Store.
type Outbox struct{ db *DB }

// Outbox returns the developer outbox.
func (db *DB) Outbox() *Outbox { return &Outbox{db} }

// Put implements outbox.Store.
func (o *Outbox) Put(ctx context.Context, m outbox.Message) error {
	_, err := o.db.w.ExecContext(ctx, `
		INSERT INTO dev_outbox (sent_at, channel, recipient, subject, text, code) VALUES (?, ?, ?, ?, ?, ?)`,
		ms(m.SentAt), m.Channel, m.To, m.Subject, m.Text, m.Code)
	return err
}

// List implements outbox.Store.
func (o *Outbox) List(ctx context.Context, to string, limit int64) ([]outbox.Message, error) {
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	q := `SELECT sent_at, channel, recipient, subject, text, code FROM dev_outbox `
	args := []any{}
	if to != "" {
		q += `WHERE recipient = ? `
		args = append(args, to)
	}
	q += `ORDER BY sent_at DESC, id DESC LIMIT ?`
	rows, err := o.db.r.QueryContext(ctx, q, append(args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []outbox.Message
	for rows.Next() {
		var m outbox.Message
		var sent int64
		if err := rows.Scan(&sent, &m.Channel, &m.To, &m.Subject, &m.Text, &m.Code); err != nil {
			return nil, err
		}
		m.SentAt = at(sent)
		out = append(out, m)
	}
	return out, rows.Err()
}
