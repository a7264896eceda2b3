package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"jszg/server/account"
)

// A document number is unique among live accounts: a partial unique index over the rows not
// archived. Dates of the shared rules (birth, validity) stay YYYY-MM-DD text, as in the API.
const accountsSchema = `
CREATE TABLE accounts (
	id            TEXT PRIMARY KEY,
	doc_type      TEXT NOT NULL,
	doc_number    TEXT NOT NULL,
	name          TEXT NOT NULL,
	sex           TEXT NOT NULL,
	birth_date    TEXT NOT NULL,
	ethnicity     TEXT NOT NULL DEFAULT '',
	region        TEXT NOT NULL DEFAULT '',
	permit_number TEXT NOT NULL DEFAULT '',
	local_id      TEXT NOT NULL DEFAULT '',
	validity_term TEXT NOT NULL,
	valid_from    TEXT NOT NULL,
	valid_until   TEXT NOT NULL DEFAULT '',
	email         TEXT NOT NULL,
	phone         TEXT NOT NULL,
	password_hash TEXT NOT NULL,
	real_name     TEXT NOT NULL,
	created_at    INTEGER NOT NULL,
	archived_at   INTEGER
) STRICT;
CREATE UNIQUE INDEX accounts_live_doc_number ON accounts (doc_number) WHERE archived_at IS NULL;
CREATE INDEX accounts_phone ON accounts (phone);
`

const accountColumns = `id, doc_type, doc_number, name, sex, birth_date, ethnicity, region, permit_number,
	local_id, validity_term, valid_from, valid_until, email, phone, password_hash, real_name, created_at, archived_at`

// Accounts is the account.Store.
type Accounts struct{ db *DB }

// Accounts returns the accounts.
func (db *DB) Accounts() *Accounts { return &Accounts{db} }

// Create implements account.Store.
func (s *Accounts) Create(ctx context.Context, a *account.Account) error {
	err := insertAccount(ctx, s.db.w, a)
	if isUnique(err) {
		return account.ErrTaken
	}
	if err != nil {
		return fmt.Errorf("insert account: %w", err)
	}
	return nil
}

// execer is a connection or a transaction.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func insertAccount(ctx context.Context, e execer, a *account.Account) error {
	var archived any
	if a.ArchivedAt != nil {
		archived = ms(*a.ArchivedAt)
	}
	_, err := e.ExecContext(ctx, `INSERT INTO accounts (`+accountColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.DocType, a.DocNumber, a.Name, a.Sex, a.BirthDate, a.Ethnicity, a.Region, a.PermitNumber,
		a.LocalID, a.ValidityTerm, a.ValidFrom, a.ValidUntil, a.Email, a.Phone, a.PasswordHash, a.RealName,
		ms(a.CreatedAt), archived)
	return err
}

// ByDocNumber implements account.Store.
func (s *Accounts) ByDocNumber(ctx context.Context, docNumber string) (*account.Account, error) {
	return s.one(ctx, `WHERE doc_number = ? AND archived_at IS NULL`, docNumber)
}

// ByID implements account.Store.
func (s *Accounts) ByID(ctx context.Context, id string) (*account.Account, error) {
	return s.one(ctx, `WHERE id = ? AND archived_at IS NULL`, id)
}

func (s *Accounts) one(ctx context.Context, where string, args ...any) (*account.Account, error) {
	var a account.Account
	var created int64
	var archived sql.NullInt64
	err := s.db.r.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts `+where, args...).Scan(
		&a.ID, &a.DocType, &a.DocNumber, &a.Name, &a.Sex, &a.BirthDate, &a.Ethnicity, &a.Region, &a.PermitNumber,
		&a.LocalID, &a.ValidityTerm, &a.ValidFrom, &a.ValidUntil, &a.Email, &a.Phone, &a.PasswordHash, &a.RealName,
		&created, &archived)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, account.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load account: %w", err)
	}
	a.CreatedAt, a.ArchivedAt = at(created), nullAt(archived)
	return &a, nil
}

// Archive implements account.Store.
func (s *Accounts) Archive(ctx context.Context, id, docNumber string, createdBefore, now time.Time) (bool, error) {
	res, err := s.db.w.ExecContext(ctx, `UPDATE accounts SET archived_at = ?
		WHERE id = ? AND doc_number = ? AND archived_at IS NULL AND created_at < ?`,
		ms(now), id, docNumber, ms(createdBefore))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// SetPasswordHash implements account.Store.
func (s *Accounts) SetPasswordHash(ctx context.Context, id, hash string) error {
	_, err := s.db.w.ExecContext(ctx, `UPDATE accounts SET password_hash = ? WHERE id = ? AND archived_at IS NULL`, hash, id)
	return err
}

// SetRealName implements account.Store with one conditional update.
func (s *Accounts) SetRealName(ctx context.Context, id string, from []string, to string) (bool, error) {
	if len(from) == 0 {
		return false, nil
	}
	args := []any{to, id}
	marks := ""
	for i, f := range from {
		if i > 0 {
			marks += ", "
		}
		marks += "?"
		args = append(args, f)
	}
	res, err := s.db.w.ExecContext(ctx, `UPDATE accounts SET real_name = ?
		WHERE id = ? AND archived_at IS NULL AND real_name IN (`+marks+`)`, args...)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// SetContact implements account.Store.
func (s *Accounts) SetContact(ctx context.Context, id, phone, email string) error {
	res, err := s.db.w.ExecContext(ctx, `UPDATE accounts SET phone = ?, email = ? WHERE id = ? AND archived_at IS NULL`, phone, email, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return account.ErrNotFound
	}
	return nil
}

// SeedAccounts inserts accounts in batches of one transaction each (jszg seed): the way to fill
// the embedded store to a realistic size for benchmarks and demos. Accounts whose number is taken
// are skipped; it returns how many were inserted.
func (db *DB) SeedAccounts(ctx context.Context, accounts []*account.Account) (int, error) {
	n := 0
	err := db.tx(ctx, func(tx *sql.Tx) error {
		for _, a := range accounts {
			err := insertAccount(ctx, tx, a)
			if isUnique(err) {
				continue
			}
			if err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// CountAccounts returns how many live accounts there are.
func (db *DB) CountAccounts(ctx context.Context) (int, error) {
	var n int
	err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM accounts WHERE archived_at IS NULL`).Scan(&n)
	return n, err
}
