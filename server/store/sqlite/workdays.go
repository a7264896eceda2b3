package sqlite

import "context"

// The working-day years admins add (package workdays), as the files they gave.
const workdaysSchema = `
CREATE TABLE workday_years (
	year INTEGER PRIMARY KEY,
	file BLOB NOT NULL
) STRICT;
`

// WorkdayYears is the workdays.Store.
type WorkdayYears struct{ db *DB }

// WorkdayYears returns the stored working-day years.
func (db *DB) WorkdayYears() *WorkdayYears { return &WorkdayYears{db} }

// PutYear implements workdays.Store.
func (s *WorkdayYears) PutYear(ctx context.Context, year int, file []byte) error {
	_, err := s.db.w.ExecContext(ctx, `INSERT INTO workday_years (year, file) VALUES (?, ?)
		ON CONFLICT (year) DO UPDATE SET file = excluded.file`, year, file)
	return err
}

// Years implements workdays.Store.
func (s *WorkdayYears) Years(ctx context.Context) (map[int][]byte, error) {
	rows, err := s.db.r.QueryContext(ctx, `SELECT year, file FROM workday_years`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int][]byte{}
	for rows.Next() {
		var year int
		var file []byte
		if err := rows.Scan(&year, &file); err != nil {
			return nil, err
		}
		out[year] = file
	}
	return out, rows.Err()
}
