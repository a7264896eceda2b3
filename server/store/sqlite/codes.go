package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"jszg/server/code"
)

// One row per destination and purpose (the id joins channel, purpose and destination, so the
// primary key is the lookup index); keep_until is when the sweeper removes the row.
const codesSchema = `
CREATE TABLE codes (
	id         TEXT PRIMARY KEY,
	hash       TEXT NOT NULL DEFAULT '',
	sent_at    INTEGER NOT NULL,
	expires_at INTEGER NOT NULL DEFAULT 0,
	keep_until INTEGER NOT NULL,
	attempts   INTEGER NOT NULL DEFAULT 0,
	used       INTEGER NOT NULL DEFAULT 0
) STRICT, WITHOUT ROWID;
CREATE INDEX codes_keep_until ON codes (keep_until);
`

func init() { expires("codes", "keep_until") }

// Codes is the code.Store.
type Codes struct{ db *DB }

// Codes returns the verification codes.
func (db *DB) Codes() *Codes { return &Codes{db} }

const codeColumns = `hash, sent_at, expires_at, keep_until, attempts, used`

func scanCode(row *sql.Row) (*code.Record, error) {
	var r code.Record
	var sent, exp, keep int64
	if err := row.Scan(&r.Hash, &sent, &exp, &keep, &r.Attempts, &r.Used); err != nil {
		return nil, err
	}
	r.SentAt, r.ExpiresAt, r.KeepUntil = at(sent), at(exp), at(keep)
	return &r, nil
}

// Claim implements code.Store: the earlier state is read and the claim written in one
// BEGIN IMMEDIATE transaction, so no other write comes between.
func (c *Codes) Claim(ctx context.Context, id string, now time.Time, cooldown time.Duration, keepUntil time.Time) (*code.Record, bool, error) {
	var prev *code.Record
	var claimed bool
	err := c.db.tx(ctx, func(tx *sql.Tx) error {
		prev, claimed = nil, false
		r, err := scanCode(tx.QueryRowContext(ctx, `SELECT `+codeColumns+` FROM codes WHERE id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			_, err = tx.ExecContext(ctx, `INSERT INTO codes (id, sent_at, keep_until) VALUES (?, ?, ?)`,
				id, ms(now), ms(keepUntil))
			claimed = err == nil
			return err
		}
		if err != nil {
			return err
		}
		if ms(r.SentAt) > ms(now.Add(-cooldown)) {
			prev = r
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE codes SET sent_at = ?, keep_until = ? WHERE id = ?`,
			ms(now), ms(keepUntil), id); err != nil {
			return err
		}
		if r.KeepUntil.After(now) {
			prev = r
		}
		claimed = true
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	return prev, claimed, nil
}

// Unclaim implements code.Store.
func (c *Codes) Unclaim(ctx context.Context, id string, claimedAt time.Time, prev *code.Record) error {
	if prev == nil {
		_, err := c.db.w.ExecContext(ctx, `DELETE FROM codes WHERE id = ? AND sent_at = ?`, id, ms(claimedAt))
		return err
	}
	_, err := c.db.w.ExecContext(ctx, `UPDATE codes SET sent_at = ?, keep_until = ? WHERE id = ? AND sent_at = ?`,
		ms(prev.SentAt), ms(prev.KeepUntil), id, ms(claimedAt))
	return err
}

// Set implements code.Store.
func (c *Codes) Set(ctx context.Context, id string, claimedAt time.Time, hash string, expiresAt time.Time) (bool, error) {
	res, err := c.db.w.ExecContext(ctx, `
		UPDATE codes SET hash = ?, expires_at = ?, attempts = 0, used = 0
		WHERE id = ? AND sent_at = ?`, hash, ms(expiresAt), id, ms(claimedAt))
	return codeChanged(res, err)
}

// Get implements code.Store.
func (c *Codes) Get(ctx context.Context, id string, now time.Time) (*code.Record, error) {
	r, err := scanCode(c.db.r.QueryRowContext(ctx,
		`SELECT `+codeColumns+` FROM codes WHERE id = ? AND keep_until > ?`, id, ms(now)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return r, err
}

// Use implements code.Store: the conditions and the change are one UPDATE.
func (c *Codes) Use(ctx context.Context, id, hash string, now time.Time, maxAttempts int) (bool, error) {
	res, err := c.db.w.ExecContext(ctx, `
		UPDATE codes SET used = 1
		WHERE id = ? AND hash = ? AND used = 0 AND attempts < ? AND expires_at > ?`,
		id, hash, maxAttempts, ms(now))
	return codeChanged(res, err)
}

// Fail implements code.Store: the conditions and the increment are one UPDATE.
func (c *Codes) Fail(ctx context.Context, id, hash string, now time.Time, maxAttempts int) (bool, error) {
	res, err := c.db.w.ExecContext(ctx, `
		UPDATE codes SET attempts = attempts + 1
		WHERE id = ? AND hash = ? AND used = 0 AND attempts < ? AND expires_at > ?`,
		id, hash, maxAttempts, ms(now))
	return codeChanged(res, err)
}

// Delete implements code.Store.
func (c *Codes) Delete(ctx context.Context, id string) error {
	_, err := c.db.w.ExecContext(ctx, `DELETE FROM codes WHERE id = ?`, id)
	return err
}

// codeChanged reports whether a conditional change of one code row happened.
func codeChanged(res sql.Result, err error) (bool, error) {
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
