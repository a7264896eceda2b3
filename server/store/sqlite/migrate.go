package sqlite

import (
	"context"
	"database/sql"
	"fmt"
)

// migrations is the schema's history, oldest first: migration i (from 1) brings a database from
// user_version i-1 to i. Released migrations are never edited, only appended to. The list is
// ours rather than a migration library's because it is this short, runs inside the same
// transaction as the version bump (a crash leaves the old schema or the new, never half), and
// needs no migration table, files on disk or down-migrations: the binary carries its schema.
// Each store file keeps the DDL of its own tables.
var migrations = []struct {
	name string
	sql  string
}{
	{"settings", settingsSchema},
	{"accounts", accountsSchema},
	{"sessions", sessionsSchema},
	{"quota counters", quotaSchema},
	{"verification codes", codesSchema},
	{"slide captcha", captchaSchema},
	{"audit log and outbox", auditSchema + outboxSchema},
	{"wechat", wechatSchema},
	{"staged identity and MoE link", accountsStagedSchema},
	{"password resets and MoE sign-in", passwordResetSchema + moeSchema},
	{"accounts: personal data sealed, legacy re-registration", accountsSealSchema},
	{"manual reviews", reviewsSchema},
	{"reviewer console staff", staffSchema},
	{"working-day years added by admins, provisional due dates", workdaysSchema + reviewsDueProvisionalSchema},
}

// migrate applies the migrations the database has not had yet.
func (db *DB) migrate(ctx context.Context) error {
	var version int
	if err := db.w.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if version > len(migrations) {
		return fmt.Errorf("the database's schema version %d is newer than this program's %d: run a newer jszg", version, len(migrations))
	}
	for i := version; i < len(migrations); i++ {
		m := migrations[i]
		err := db.tx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return err
			}
			// PRAGMA takes no parameters; i+1 is our own integer.
			_, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", i+1))
			return err
		})
		if err != nil {
			return fmt.Errorf("schema migration %d (%s): %w", i+1, m.name, err)
		}
	}
	return nil
}

// SchemaVersion is the number of migrations applied.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := db.r.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v)
	return v, err
}
