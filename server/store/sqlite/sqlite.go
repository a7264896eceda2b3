// Package sqlite is the embedded store: every capability's store interface implemented on one
// SQLite database file under the data directory, in this process, with no server to run. It is
// the default when no MongoDB is configured, so that one command runs the whole product on one
// machine; production runs on MongoDB (package mongo), and one contract suite per store runs on
// both.
//
// How it keeps its promises:
//   - Real tables with typed columns (STRICT) and an index for every lookup; the schema is a short
//     ordered list of migrations embedded in the binary (migrate.go), applied at start-up in one
//     transaction each and tracked in PRAGMA user_version.
//   - WAL mode: readers never wait for the writer. Writes go through one connection, so they are
//     serialised in process and never meet SQLITE_BUSY from each other; reads use a pool of
//     read-only connections. Every read-modify-write runs in BEGIN IMMEDIATE (the writer takes
//     the write lock before it reads), and most are single statements with RETURNING.
//   - synchronous=NORMAL under WAL: a commit is in the WAL file before it is acknowledged, so a
//     crash of the process (kill -9) loses no acknowledged write; only a power cut or an OS crash
//     may roll back the last commits (never corrupt the database). The durability test kills a
//     serving child with SIGKILL and checks every acknowledged registration.
//   - Times are INTEGER milliseconds since the Unix epoch (UTC); expired rows are deleted by
//     Sweep, and every read checks expiry itself.
//
// The driver is modernc.org/sqlite (SQLite compiled to Go): measured against mattn/go-sqlite3 it
// is 1.25× slower for a committed insert and 1.1× for an indexed lookup, both far below the cost
// of a password hash, while it needs no C compiler and shares one SQLite with the wire-protocol
// engine the MongoDB tests run on (README, "The stores").
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	sqlite3 "modernc.org/sqlite"
	sqlite3lib "modernc.org/sqlite/lib"

	"jszg/server/pii"
)

// FileName is the database file inside the data directory.
const FileName = "jszg.db"

// DB is the open embedded database.
type DB struct {
	w    *pool // the one writer connection
	r    *pool // read-only connections
	path string
	// pii seals the accounts' personal information (SetPersonalDataKeys); set once at start.
	pii *pii.Keys
}

// SetPersonalDataKeys gives the accounts the keys that seal and index personal information. It
// is called once, before the accounts are used.
func (db *DB) SetPersonalDataKeys(k *pii.Keys) { db.pii = k }

// ErrOldStore is returned when the data directory holds files of the earlier embedded engine.
var ErrOldStore = errors.New("the data directory holds an earlier embedded store's files")

// Open opens (creating when needed) the database in dir and brings its schema up to date.
func Open(ctx context.Context, dir string) (*DB, error) {
	if dir == "" {
		dir = "data"
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	if old, _ := filepath.Glob(filepath.Join(dir, "*.sqlite")); len(old) > 0 {
		return nil, fmt.Errorf("%w (%s): nothing was ever released on it, so it is not converted; "+
			"move the directory away or set JSZG_DATA_DIR to a new one", ErrOldStore, strings.Join(old, ", "))
	}
	path := filepath.Join(dir, FileName)
	// The file holds personal data: readable by this user only. SQLite gives its -wal and -shm
	// files the mode of the database file.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open database file: %w", err)
	}
	_ = f.Close()
	// Reads map the file (mmap_size) instead of copying pages through read calls, and each
	// connection caches up to 16 MiB of pages: at a million accounts the lookup indexes stay in
	// memory.
	pragmas := "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)" +
		"&_pragma=foreign_keys(1)&_pragma=mmap_size(1073741824)&_pragma=cache_size(-16384)&_time_format=sqlite"
	w, err := sql.Open("sqlite", "file:"+path+"?"+pragmas+"&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	db := &DB{w: newPool(w), path: path}
	if err := db.migrate(ctx); err != nil {
		_ = w.Close()
		return nil, err
	}
	r, err := sql.Open("sqlite", "file:"+path+"?"+pragmas+"&_pragma=query_only(1)")
	if err != nil {
		_ = w.Close()
		return nil, err
	}
	n := max(runtime.GOMAXPROCS(0), 2) * 2
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	db.r = newPool(r)
	return db, nil
}

// Path is the database file.
func (db *DB) Path() string { return db.path }

// Close closes the database; the WAL is checkpointed by the last connection to close.
func (db *DB) Close() error {
	var errR error
	if db.r != nil {
		errR = db.r.Close()
	}
	return errors.Join(errR, db.w.Close())
}

// Ping checks that both pools answer.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.r.PingContext(ctx); err != nil {
		return err
	}
	return db.w.PingContext(ctx)
}

// IntegrityCheck runs SQLite's own full check of the file.
func (db *DB) IntegrityCheck(ctx context.Context) error {
	rows, err := db.r.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return err
	}
	defer rows.Close()
	var msgs []string
	for rows.Next() {
		var m string
		if err := rows.Scan(&m); err != nil {
			return err
		}
		msgs = append(msgs, m)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(msgs) != 1 || msgs[0] != "ok" {
		return fmt.Errorf("integrity check: %s", strings.Join(msgs, "; "))
	}
	return nil
}

// Checkpoint moves the write-ahead log into the database file and truncates it (after a bulk
// load, so that readers do not search a long log).
func (db *DB) Checkpoint(ctx context.Context) error {
	_, err := db.w.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
	return err
}

// tx runs fn in one write transaction (BEGIN IMMEDIATE), committed when fn returns nil.
func (db *DB) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	t, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(t); err != nil {
		_ = t.Rollback()
		return err
	}
	return t.Commit()
}

// expiring lists the tables whose rows go when the time in a column has passed.
var expiring []struct{ table, column string }

// expires registers a table for Sweep; each store file calls it from an init function.
func expires(table, column string) {
	expiring = append(expiring, struct{ table, column string }{table, column})
}

// Sweep deletes every row whose expiry time is before now, at most about a thousand rows per
// table and statement (those up to the thousandth-oldest expiry time, found through the expiry
// index), so that the writer is never held long. It works on WITHOUT ROWID tables too.
func (db *DB) Sweep(ctx context.Context, now time.Time) (int64, error) {
	var total int64
	for _, e := range expiring {
		for {
			res, err := db.w.ExecContext(ctx, fmt.Sprintf(
				"DELETE FROM %[1]s WHERE %[2]s <= (SELECT max(%[2]s) FROM (SELECT %[2]s FROM %[1]s WHERE %[2]s < ? ORDER BY %[2]s LIMIT 1000))",
				e.table, e.column), ms(now))
			if err != nil {
				return total, fmt.Errorf("sweep %s: %w", e.table, err)
			}
			n, _ := res.RowsAffected()
			total += n
			if n < 1000 {
				break
			}
		}
	}
	return total, nil
}

// isUnique reports whether err is a violated UNIQUE or PRIMARY KEY constraint.
func isUnique(err error) bool {
	var e *sqlite3.Error
	if errors.As(err, &e) {
		c := e.Code()
		return c == sqlite3lib.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3lib.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// ms is a time as stored: milliseconds since the Unix epoch; the zero time is 0.
func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// at is the inverse of ms, in UTC.
func at(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}

// nullAt reads a nullable time column.
func nullAt(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := at(v.Int64)
	return &t
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// Changes is the number of rows inserted, changed or deleted through the writer connection since
// it opened (benchmarks: store writes per request).
func (db *DB) Changes(ctx context.Context) (int64, error) {
	var n int64
	err := db.w.QueryRowContext(ctx, "SELECT total_changes()").Scan(&n)
	return n, err
}
