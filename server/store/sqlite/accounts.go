package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"time"

	"jszg/server/account"
	"jszg/server/pii"
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

// The staged identity change (修改个人身份信息) and the MoE link came later: their columns are added
// by a migration of their own.
const accountsStagedSchema = `
ALTER TABLE accounts ADD COLUMN staged_name TEXT NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN staged_validity_term TEXT NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN staged_valid_from TEXT NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN staged_valid_until TEXT NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN staged_at INTEGER;
ALTER TABLE accounts ADD COLUMN moe_subject TEXT NOT NULL DEFAULT '';
`

// Personal information is sealed (package pii): a dump of the file shows ciphertext, and rows are
// found by blind indexes: doc_key (unique among live holders: an account registered over a legacy
// one waits outside the index until it is verified) and phone_key. pii_key names the key that
// sealed the row, so rotate-keys can find the rows still sealed with an older one; ” marks a row
// from before sealing, which the server seals at start.
const accountsSealSchema = `
ALTER TABLE accounts ADD COLUMN doc_key TEXT NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN phone_key TEXT NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN pii_key TEXT NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN supersedes TEXT NOT NULL DEFAULT '';
DROP INDEX accounts_live_doc_number;
DROP INDEX accounts_phone;
CREATE UNIQUE INDEX accounts_live_doc_key ON accounts (doc_key) WHERE archived_at IS NULL AND supersedes = '' AND pii_key != '';
CREATE INDEX accounts_doc_key ON accounts (doc_key);
CREATE INDEX accounts_phone_key ON accounts (phone_key);
CREATE INDEX accounts_pii_key ON accounts (pii_key);
`

const accountColumns = `id, doc_type, doc_number, name, sex, birth_date, ethnicity, region, permit_number,
	local_id, validity_term, valid_from, valid_until, email, phone, password_hash, real_name, created_at, archived_at,
	supersedes, doc_key, phone_key, pii_key,
	staged_name, staged_validity_term, staged_valid_from, staged_valid_until, staged_at, moe_subject`

// Accounts is the account.Store.
type Accounts struct{ db *DB }

// Accounts returns the accounts.
func (db *DB) Accounts() *Accounts { return &Accounts{db} }

// Create implements account.Store.
func (s *Accounts) Create(ctx context.Context, a *account.Account) error {
	err := insertAccount(ctx, s.db.w, s.db.pii, a)
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

func insertAccount(ctx context.Context, e execer, k *pii.Keys, plain *account.Account) error {
	a, err := account.Seal(k, plain)
	if err != nil {
		return err
	}
	var archived, stagedAt any
	if a.ArchivedAt != nil {
		archived = ms(*a.ArchivedAt)
	}
	var st account.StagedIdentity
	if a.Staged != nil {
		st, stagedAt = *a.Staged, ms(a.Staged.At)
	}
	_, err = e.ExecContext(ctx, `INSERT INTO accounts (`+accountColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.DocType, a.DocNumber, a.Name, a.Sex, a.BirthDate, a.Ethnicity, a.Region, a.PermitNumber,
		a.LocalID, a.ValidityTerm, a.ValidFrom, a.ValidUntil, a.Email, a.Phone, a.PasswordHash, a.RealName,
		ms(a.CreatedAt), archived, a.Supersedes, a.DocKey, a.PhoneKey, a.KeyID,
		st.Name, st.ValidityTerm, st.ValidFrom, st.ValidUntil, stagedAt, a.MoESubject)
	return err
}

func (s *Accounts) index(kind, v string) (string, error) {
	if s.db.pii == nil {
		return "", account.ErrNoKeys
	}
	return s.db.pii.Index(kind, v), nil
}

// ByDocNumber implements account.Store.
func (s *Accounts) ByDocNumber(ctx context.Context, docNumber string) (*account.Account, error) {
	key, err := s.index(account.IndexDocNumber, docNumber)
	if err != nil {
		return nil, err
	}
	// A miss reads, scans and opens the newest stored row in the place of the one it did not
	// find, and throws it away: it then costs what a hit costs (the table's pages read, a row
	// decoded, six fields opened), so the time of an answer (忘记密码's 输入账号 answers within a
	// millisecond) does not tell whether a number is registered. SQLite runs the arms of a
	// UNION ALL in order and stops at the LIMIT, so a hit reads no second row; the last column
	// says which arm a row came from (the contract suite's look-ups would fail otherwise).
	rows, err := s.db.r.QueryContext(ctx, `SELECT * FROM (SELECT `+accountColumns+`, 1 FROM accounts
		WHERE doc_key = ? AND archived_at IS NULL AND supersedes = '' LIMIT 1)
		UNION ALL SELECT * FROM (SELECT `+accountColumns+`, 0 FROM accounts
		WHERE rowid = (SELECT max(rowid) FROM accounts))
		LIMIT 1`, key)
	if err != nil {
		return nil, fmt.Errorf("load account: %w", err)
	}
	defer rows.Close()
	if !rows.Next() {
		return nil, cmp.Or(rows.Err(), account.ErrNotFound) // an empty store
	}
	var found bool
	a, err := scanAccount(rows, &found)
	if err != nil {
		return nil, err
	}
	err = account.Open(s.db.pii, &a.Account, a.KeyID)
	switch {
	case !found:
		return nil, account.ErrNotFound // whatever the stand-in row's opening said
	case err != nil:
		return nil, fmt.Errorf("open account %s: %w", a.ID, err)
	}
	return &a.Account, nil
}

// Candidates implements account.Store.
func (s *Accounts) Candidates(ctx context.Context, docNumber string) ([]*account.Account, error) {
	key, err := s.index(account.IndexDocNumber, docNumber)
	if err != nil {
		return nil, err
	}
	return s.list(ctx, `WHERE doc_key = ? AND archived_at IS NULL ORDER BY created_at, id LIMIT 20`, key)
}

// ByPhone implements account.Store.
func (s *Accounts) ByPhone(ctx context.Context, phone string) ([]*account.Account, error) {
	key, err := s.index(account.IndexPhone, phone)
	if err != nil {
		return nil, err
	}
	return s.list(ctx, `WHERE phone_key = ? AND archived_at IS NULL ORDER BY created_at, id LIMIT 100`, key)
}

// ByID implements account.Store.
func (s *Accounts) ByID(ctx context.Context, id string) (*account.Account, error) {
	accs, err := s.list(ctx, `WHERE id = ? AND archived_at IS NULL`, id)
	if err != nil {
		return nil, err
	}
	if len(accs) == 0 {
		return nil, account.ErrNotFound
	}
	return accs[0], nil
}

func (s *Accounts) list(ctx context.Context, where string, args ...any) ([]*account.Account, error) {
	rows, err := s.db.r.QueryContext(ctx, `SELECT `+accountColumns+` FROM accounts `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("load account: %w", err)
	}
	defer rows.Close()
	var out []*account.Account
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, err
		}
		if err := account.Open(s.db.pii, &a.Account, a.KeyID); err != nil {
			return nil, fmt.Errorf("open account %s: %w", a.ID, err)
		}
		out = append(out, &a.Account)
	}
	return out, rows.Err()
}

// scanAccount reads a row of accountColumns and then the columns more are for, if any.
func scanAccount(rows *sql.Rows, more ...any) (*account.Sealed, error) {
	var a account.Sealed
	var created int64
	var archived, stagedAt sql.NullInt64
	var st account.StagedIdentity
	err := rows.Scan(append([]any{
		&a.ID, &a.DocType, &a.DocNumber, &a.Name, &a.Sex, &a.BirthDate, &a.Ethnicity, &a.Region, &a.PermitNumber,
		&a.LocalID, &a.ValidityTerm, &a.ValidFrom, &a.ValidUntil, &a.Email, &a.Phone, &a.PasswordHash, &a.RealName,
		&created, &archived, &a.Supersedes, &a.DocKey, &a.PhoneKey, &a.KeyID,
		&st.Name, &st.ValidityTerm, &st.ValidFrom, &st.ValidUntil, &stagedAt, &a.MoESubject}, more...)...)
	if err != nil {
		return nil, fmt.Errorf("load account: %w", err)
	}
	a.CreatedAt, a.ArchivedAt = at(created), nullAt(archived)
	if stagedAt.Valid {
		st.At = at(stagedAt.Int64)
		a.Staged = &st
	}
	return &a, nil
}

// Archive implements account.Store.
func (s *Accounts) Archive(ctx context.Context, id, docNumber string, createdBefore, now time.Time) (bool, error) {
	key, err := s.index(account.IndexDocNumber, docNumber)
	if err != nil {
		return false, err
	}
	res, err := s.db.w.ExecContext(ctx, `UPDATE accounts SET archived_at = ?
		WHERE id = ? AND doc_key = ? AND archived_at IS NULL AND created_at < ?`,
		ms(now), id, key, ms(createdBefore))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// Promote implements account.Store.
func (s *Accounts) Promote(ctx context.Context, id string) error {
	res, err := s.db.w.ExecContext(ctx, `UPDATE accounts SET supersedes = '' WHERE id = ? AND archived_at IS NULL`, id)
	if isUnique(err) {
		return account.ErrTaken
	}
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return account.ErrNotFound
	}
	return nil
}

// SetPasswordHash implements account.Store.
func (s *Accounts) SetPasswordHash(ctx context.Context, id, hash string) error {
	_, err := s.db.w.ExecContext(ctx, `UPDATE accounts SET password_hash = ? WHERE id = ? AND archived_at IS NULL`, hash, id)
	return err
}

// seal seals one personal field of account id with the current key.
func (s *Accounts) seal(id, field, v string) (string, error) {
	if s.db.pii == nil {
		return "", account.ErrNoKeys
	}
	return s.db.pii.Seal(v, id, field)
}

// SetPhone implements account.Store: the sealed phone and its blind index change together.
func (s *Accounts) SetPhone(ctx context.Context, id, phone string) error {
	sealed, err := s.seal(id, "phone", phone)
	if err != nil {
		return err
	}
	_, err = s.db.w.ExecContext(ctx, `UPDATE accounts SET phone = ?, phone_key = ? WHERE id = ? AND archived_at IS NULL`,
		sealed, s.db.pii.Index(account.IndexPhone, phone), id)
	return err
}

// SetIdentity implements account.Store.
func (s *Accounts) SetIdentity(ctx context.Context, id string, ch account.IdentityChange) error {
	var st account.StagedIdentity
	var stagedAt any
	if ch.Staged != nil {
		st, stagedAt = *ch.Staged, ms(ch.Staged.At)
	}
	permit, err := s.seal(id, "permit_number", ch.PermitNumber)
	if err != nil {
		return err
	}
	local, err := s.seal(id, "local_id", ch.LocalID)
	if err != nil {
		return err
	}
	stagedName, err := s.seal(id, account.FieldStagedName, st.Name)
	if err != nil {
		return err
	}
	res, err := s.db.w.ExecContext(ctx, `UPDATE accounts SET ethnicity = ?, permit_number = ?, local_id = ?,
		staged_name = ?, staged_validity_term = ?, staged_valid_from = ?, staged_valid_until = ?, staged_at = ?
		WHERE id = ? AND archived_at IS NULL`,
		ch.Ethnicity, permit, local, stagedName, st.ValidityTerm, st.ValidFrom, st.ValidUntil, stagedAt, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return account.ErrNotFound
	}
	return nil
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
	sealedPhone, err := s.seal(id, "phone", phone)
	if err != nil {
		return err
	}
	sealedEmail, err := s.seal(id, "email", email)
	if err != nil {
		return err
	}
	res, err := s.db.w.ExecContext(ctx, `UPDATE accounts SET phone = ?, phone_key = ?, email = ? WHERE id = ? AND archived_at IS NULL`,
		sealedPhone, s.db.pii.Index(account.IndexPhone, phone), sealedEmail, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return account.ErrNotFound
	}
	return nil
}

// ApplyStaged implements account.Store. The caller read the staged values (opened); the name is
// sealed again as the account's name, since a sealed value is bound to its field.
func (s *Accounts) ApplyStaged(ctx context.Context, id string, st account.StagedIdentity) (bool, error) {
	name, err := s.seal(id, "name", st.Name)
	if err != nil {
		return false, err
	}
	res, err := s.db.w.ExecContext(ctx, `UPDATE accounts SET name = ?, validity_term = staged_validity_term,
		valid_from = staged_valid_from, valid_until = staged_valid_until,
		staged_name = '', staged_validity_term = '', staged_valid_from = '', staged_valid_until = '', staged_at = NULL
		WHERE id = ? AND archived_at IS NULL AND staged_at = ?`, name, id, ms(st.At))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// LinkMoE implements account.Store.
func (s *Accounts) LinkMoE(ctx context.Context, id, subject string) (bool, error) {
	res, err := s.db.w.ExecContext(ctx, `UPDATE accounts SET moe_subject = ?
		WHERE id = ? AND archived_at IS NULL AND moe_subject IN ('', ?)`, subject, id, subject)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// Reseal implements account.Resealer. A row is rewritten only if it still carries the sealed
// values read, so a change made meanwhile by a request is never overwritten; that row is taken
// again by the next batch.
func (s *Accounts) Reseal(ctx context.Context, batch int) (int, error) {
	if s.db.pii == nil {
		return 0, account.ErrNoKeys
	}
	return s.reseal(ctx, `WHERE pii_key != ? LIMIT ?`, s.db.pii.Current(), batch)
}

// ResealPlain implements account.Resealer.
func (s *Accounts) ResealPlain(ctx context.Context, batch int) (int, error) {
	return s.reseal(ctx, `WHERE pii_key = '' LIMIT ?`, batch)
}

func (s *Accounts) reseal(ctx context.Context, where string, args ...any) (int, error) {
	k := s.db.pii
	if k == nil {
		return 0, account.ErrNoKeys
	}
	rows, err := s.db.r.QueryContext(ctx, `SELECT `+accountColumns+` FROM accounts `+where, args...)
	if err != nil {
		return 0, err
	}
	var old []*account.Sealed
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			rows.Close()
			return 0, err
		}
		old = append(old, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	n := 0
	for _, o := range old {
		plain := o.Account
		if err := account.Open(k, &plain, o.KeyID); err != nil {
			return n, fmt.Errorf("open account %s: %w", o.ID, err)
		}
		a, err := account.Seal(k, &plain)
		if err != nil {
			return n, err
		}
		var stagedName, oldStagedName string
		if a.Staged != nil {
			stagedName = a.Staged.Name
		}
		if o.Staged != nil {
			oldStagedName = o.Staged.Name
		}
		res, err := s.db.w.ExecContext(ctx, `UPDATE accounts SET doc_number = ?, name = ?, permit_number = ?, local_id = ?,
			email = ?, phone = ?, doc_key = ?, phone_key = ?, pii_key = ?, staged_name = ?
			WHERE id = ? AND pii_key = ? AND doc_number = ? AND phone = ? AND email = ? AND name = ? AND staged_name = ?`,
			a.DocNumber, a.Name, a.PermitNumber, a.LocalID, a.Email, a.Phone, a.DocKey, a.PhoneKey, a.KeyID, stagedName,
			o.ID, o.KeyID, o.DocNumber, o.Phone, o.Email, o.Name, oldStagedName)
		if err != nil {
			return n, fmt.Errorf("reseal account %s: %w", o.ID, err)
		}
		if c, _ := res.RowsAffected(); c == 1 {
			n++
		}
	}
	return n, nil
}

// SeedAccounts inserts accounts in batches of one transaction each (jszg seed): the way to fill
// the embedded store to a realistic size for benchmarks and demos. Accounts whose number is taken
// are skipped; it returns how many were inserted.
func (db *DB) SeedAccounts(ctx context.Context, accounts []*account.Account) (int, error) {
	n := 0
	err := db.tx(ctx, func(tx *sql.Tx) error {
		for _, a := range accounts {
			err := insertAccount(ctx, tx, db.pii, a)
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
