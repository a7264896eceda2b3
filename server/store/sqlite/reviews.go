package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"jszg/server/account"
	"jszg/server/review"
)

// Manual reviews: the applications, and their sealed photos in a table of their own so that
// reading the queue never touches the photos' pages.
const reviewsSchema = `
CREATE TABLE reviews (
	id              TEXT PRIMARY KEY,
	account_id      TEXT NOT NULL,
	state           TEXT NOT NULL,
	doc_type        TEXT NOT NULL,
	doc_number      TEXT NOT NULL,
	name            TEXT NOT NULL,
	validity_term   TEXT NOT NULL,
	valid_from      TEXT NOT NULL,
	valid_until     TEXT NOT NULL,
	reason          TEXT NOT NULL,
	submitted_at    INTEGER NOT NULL,
	due_at          INTEGER NOT NULL,
	claimed_by      TEXT NOT NULL DEFAULT '',
	lease_until     INTEGER NOT NULL DEFAULT 0,
	decided_by      TEXT NOT NULL DEFAULT '',
	decided_at      INTEGER NOT NULL DEFAULT 0,
	decision_reason TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX reviews_account ON reviews (account_id, submitted_at);
CREATE INDEX reviews_pending_due ON reviews (state, due_at);
CREATE INDEX reviews_decided ON reviews (decided_at);
CREATE TABLE review_photos (
	id   TEXT PRIMARY KEY,
	data BLOB NOT NULL
) STRICT;
`

const reviewColumns = `id, account_id, state, doc_type, doc_number, name, validity_term, valid_from, valid_until,
	reason, submitted_at, due_at, claimed_by, lease_until, decided_by, decided_at, decision_reason, due_provisional`

// Reviews is the review.Store.
type Reviews struct{ db *DB }

// Reviews returns the manual-review applications.
func (db *DB) Reviews() *Reviews { return &Reviews{db} }

// Create implements review.Store.
// The identity an application was submitted with is personal data: sealed like an account's
// (package pii), bound to the application.
func (s *Reviews) Create(ctx context.Context, plain *review.Application) error {
	if s.db.pii == nil {
		return account.ErrNoKeys
	}
	a := *plain
	var err error
	if a.DocNumber, err = s.db.pii.Seal(a.DocNumber, a.ID, "review_doc_number"); err != nil {
		return err
	}
	if a.Name, err = s.db.pii.Seal(a.Name, a.ID, "review_name"); err != nil {
		return err
	}
	_, err = s.db.w.ExecContext(ctx, `INSERT INTO reviews (`+reviewColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.AccountID, a.State, a.DocType, a.DocNumber, a.Name, a.ValidityTerm, a.ValidFrom, a.ValidUntil,
		a.Reason, ms(a.SubmittedAt), ms(a.DueAt), a.ClaimedBy, ms(a.LeaseUntil), a.DecidedBy, ms(a.DecidedAt), a.Decision,
		a.DueProvisional)
	return err
}

// open unseals the identity of an application read back.
func (s *Reviews) open(a *review.Application, err error) (*review.Application, error) {
	if err != nil {
		return nil, err
	}
	if s.db.pii == nil {
		return nil, account.ErrNoKeys
	}
	if a.DocNumber, err = s.db.pii.Open(a.DocNumber, a.ID, "review_doc_number"); err != nil {
		return nil, fmt.Errorf("open review %s: %w", a.ID, err)
	}
	if a.Name, err = s.db.pii.Open(a.Name, a.ID, "review_name"); err != nil {
		return nil, fmt.Errorf("open review %s: %w", a.ID, err)
	}
	return a, nil
}

type rowScanner interface{ Scan(dest ...any) error }

func scanReview(r rowScanner) (*review.Application, error) {
	var a review.Application
	var sub, due, lease, decided int64
	err := r.Scan(&a.ID, &a.AccountID, &a.State, &a.DocType, &a.DocNumber, &a.Name, &a.ValidityTerm, &a.ValidFrom,
		&a.ValidUntil, &a.Reason, &sub, &due, &a.ClaimedBy, &lease, &a.DecidedBy, &decided, &a.Decision, &a.DueProvisional)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, review.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load review: %w", err)
	}
	a.SubmittedAt, a.DueAt, a.LeaseUntil, a.DecidedAt = at(sub), at(due), at(lease), at(decided)
	return &a, nil
}

// ByID implements review.Store.
func (s *Reviews) ByID(ctx context.Context, id string) (*review.Application, error) {
	return s.open(scanReview(s.db.r.QueryRowContext(ctx, `SELECT `+reviewColumns+` FROM reviews WHERE id = ?`, id)))
}

// Latest implements review.Store.
func (s *Reviews) Latest(ctx context.Context, accountID string) (*review.Application, error) {
	return s.open(scanReview(s.db.r.QueryRowContext(ctx, `SELECT `+reviewColumns+` FROM reviews
		WHERE account_id = ? ORDER BY submitted_at DESC, rowid DESC LIMIT 1`, accountID)))
}

func (s *Reviews) list(ctx context.Context, query string, args ...any) ([]*review.Application, error) {
	rows, err := s.db.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*review.Application
	for rows.Next() {
		a, err := s.open(scanReview(rows))
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Pending implements review.Store.
func (s *Reviews) Pending(ctx context.Context, limit int) ([]*review.Application, error) {
	return s.list(ctx, `SELECT `+reviewColumns+` FROM reviews WHERE state = ? ORDER BY due_at, submitted_at LIMIT ?`, review.Pending, limit)
}

// PendingDueFrom implements review.Store.
func (s *Reviews) PendingDueFrom(ctx context.Context, from time.Time, after string, limit int) ([]*review.Application, error) {
	if after == "" {
		return s.list(ctx, `SELECT `+reviewColumns+` FROM reviews WHERE state = ? AND due_at >= ?
			ORDER BY due_at, id LIMIT ?`, review.Pending, ms(from), limit)
	}
	return s.list(ctx, `SELECT `+reviewColumns+` FROM reviews WHERE state = ? AND (due_at > ? OR due_at = ? AND id > ?)
		ORDER BY due_at, id LIMIT ?`, review.Pending, ms(from), ms(from), after, limit)
}

// SetDue implements review.Store with one conditional update.
func (s *Reviews) SetDue(ctx context.Context, id string, due time.Time, provisional bool) (bool, error) {
	res, err := s.db.w.ExecContext(ctx, `UPDATE reviews SET due_at = ?, due_provisional = ? WHERE id = ? AND state = ?`,
		ms(due), provisional, id, review.Pending)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// Decided implements review.Store.
func (s *Reviews) Decided(ctx context.Context, since time.Time, limit int) ([]*review.Application, error) {
	return s.list(ctx, `SELECT `+reviewColumns+` FROM reviews WHERE decided_at >= ? AND decided_at > 0
		ORDER BY decided_at DESC LIMIT ?`, ms(since), limit)
}

// Claim implements review.Store with one conditional update.
func (s *Reviews) Claim(ctx context.Context, id, reviewer string, now, until time.Time) (bool, error) {
	res, err := s.db.w.ExecContext(ctx, `UPDATE reviews SET claimed_by = ?, lease_until = ?
		WHERE id = ? AND state = ? AND (claimed_by = '' OR claimed_by = ? OR lease_until <= ?)`,
		reviewer, ms(until), id, review.Pending, reviewer, ms(now))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// Decide implements review.Store with one conditional update.
func (s *Reviews) Decide(ctx context.Context, id, reviewer, to, reason string, now time.Time) (bool, error) {
	res, err := s.db.w.ExecContext(ctx, `UPDATE reviews SET state = ?, decision_reason = ?, decided_by = ?, decided_at = ?
		WHERE id = ? AND state = ? AND claimed_by = ? AND lease_until > ?`,
		to, reason, reviewer, ms(now), id, review.Pending, reviewer, ms(now))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// A due date counted over a year whose holidays were not loaded is marked provisional.
const reviewsDueProvisionalSchema = `
ALTER TABLE reviews ADD COLUMN due_provisional INTEGER NOT NULL DEFAULT 0 CHECK (due_provisional IN (0, 1));
`

// ReviewPhotos is the review.PhotoStore: a table of sealed blobs.
type ReviewPhotos struct{ db *DB }

// ReviewPhotos returns the sealed photos.
func (db *DB) ReviewPhotos() *ReviewPhotos { return &ReviewPhotos{db} }

// Put implements review.PhotoStore.
func (s *ReviewPhotos) Put(ctx context.Context, id string, sealed []byte) error {
	_, err := s.db.w.ExecContext(ctx, `INSERT INTO review_photos (id, data) VALUES (?, ?)`, id, sealed)
	return err
}

// Get implements review.PhotoStore.
func (s *ReviewPhotos) Get(ctx context.Context, id string) ([]byte, error) {
	var b []byte
	err := s.db.r.QueryRowContext(ctx, `SELECT data FROM review_photos WHERE id = ?`, id).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, review.ErrNotFound
	}
	return b, err
}
