package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// A puzzle keeps its answer x; a pass only its SHA-256. Both go at expires_at.
const captchaSchema = `
CREATE TABLE captcha_puzzles (
	id         TEXT PRIMARY KEY,
	x          INTEGER NOT NULL,
	expires_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX captcha_puzzles_expires ON captcha_puzzles (expires_at);
CREATE TABLE captcha_passes (
	hash       TEXT PRIMARY KEY,
	expires_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX captcha_passes_expires ON captcha_passes (expires_at);
`

func init() {
	expires("captcha_puzzles", "expires_at")
	expires("captcha_passes", "expires_at")
}

// Captcha is the captcha.Store.
type Captcha struct{ db *DB }

// Captcha returns the slide captcha's puzzles and passes.
func (db *DB) Captcha() *Captcha { return &Captcha{db} }

// PutPuzzle implements captcha.Store.
func (c *Captcha) PutPuzzle(ctx context.Context, id string, x int, expiresAt time.Time) error {
	_, err := c.db.w.ExecContext(ctx, `INSERT INTO captcha_puzzles (id, x, expires_at) VALUES (?, ?, ?)`, id, x, ms(expiresAt))
	return err
}

// TakePuzzle implements captcha.Store: one DELETE ... RETURNING reads and removes the puzzle.
func (c *Captcha) TakePuzzle(ctx context.Context, id string, now time.Time) (int, bool, error) {
	var x int
	var exp int64
	err := c.db.w.QueryRowContext(ctx, `DELETE FROM captcha_puzzles WHERE id = ? RETURNING x, expires_at`, id).Scan(&x, &exp)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	if exp <= ms(now) {
		return 0, false, nil
	}
	return x, true, nil
}

// Puzzle implements captcha.Store.
func (c *Captcha) Puzzle(ctx context.Context, id string, now time.Time) (int, bool, error) {
	var x int
	err := c.db.r.QueryRowContext(ctx, `SELECT x FROM captcha_puzzles WHERE id = ? AND expires_at > ?`, id, ms(now)).Scan(&x)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	return x, err == nil, err
}

// PutPass implements captcha.Store.
func (c *Captcha) PutPass(ctx context.Context, hash string, expiresAt time.Time) error {
	_, err := c.db.w.ExecContext(ctx, `INSERT INTO captcha_passes (hash, expires_at) VALUES (?, ?)`, hash, ms(expiresAt))
	return err
}

// TakePass implements captcha.Store: one DELETE ... RETURNING reads and removes the pass.
func (c *Captcha) TakePass(ctx context.Context, hash string, now time.Time) (bool, bool, error) {
	var exp int64
	err := c.db.w.QueryRowContext(ctx, `DELETE FROM captcha_passes WHERE hash = ? RETURNING expires_at`, hash).Scan(&exp)
	if errors.Is(err, sql.ErrNoRows) {
		return false, false, nil
	}
	if err != nil {
		return false, false, err
	}
	return true, exp > ms(now), nil
}
