// Package workdays counts China's working days: Monday to Friday, except the public holidays of
// the State Council's yearly notice, plus the weekend days that notice makes working days (调休).
// Each year's arrangement is a data file (data/<year>.json) shipped in the binary. The notice for
// a year comes out in its November before, so an admin can add a year's file at run time
// (Calendar.Add) without a new release: it is kept in the store, so every instance and every
// restart has it, and a stored year replaces the shipped file of that year.
//
// A due date that runs into a year with no arrangement is never refused (an applicant cannot
// load a calendar): it is counted Monday to Friday and marked provisional, and counted again when
// the year arrives (review.Flow.Redue). The weekday count is never later than the true one but
// for the rare make-up Saturday, so a provisional date errs early, towards the applicant.
package workdays

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"jszg/server/clock"
)

//go:embed data/*.json
var shipped embed.FS

// Year is one year's arrangement, as in the data files.
type Year struct {
	Year   int    `json:"year"`
	Source string `json:"source"`
	// Holidays are the days off (a few may fall in the year before, as 2024's 元旦 does).
	Holidays []string `json:"holidays"`
	// Workdays are the weekend days worked in exchange (调休上班).
	Workdays []string `json:"workdays"`
}

// Store keeps the years admins add, as the files they gave.
type Store interface {
	// PutYear stores the file of a year, replacing an earlier one.
	PutYear(ctx context.Context, year int, file []byte) error
	// Years returns every stored file by year.
	Years(ctx context.Context) (map[int][]byte, error)
}

// ErrInvalid is returned by Add for a file that is not a valid arrangement.
var ErrInvalid = errors.New("not a valid holiday arrangement")

// ErrMissingYear is returned for a date in a year whose arrangement is not loaded.
var ErrMissingYear = errors.New("no holiday arrangement for the year")

// Calendar knows the arrangements of the years loaded; safe for concurrent use.
type Calendar struct {
	store Store // nil: the shipped years only
	mu    sync.RWMutex
	years map[int]*Year
	off   map[string]bool // derived from years
	on    map[string]bool
}

// Shipped returns the calendar of the data files in the binary.
func Shipped() (*Calendar, error) {
	c := &Calendar{years: map[int]*Year{}}
	entries, err := shipped.ReadDir("data")
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		raw, err := shipped.ReadFile("data/" + e.Name())
		if err != nil {
			return nil, err
		}
		if _, err := c.Load(raw); err != nil {
			return nil, fmt.Errorf("%s: %w", e.Name(), err)
		}
	}
	return c, nil
}

// Open returns the shipped calendar with the years kept in st added over it.
func Open(ctx context.Context, st Store) (*Calendar, error) {
	c, err := Shipped()
	if err != nil {
		return nil, err
	}
	c.store = st
	if err := c.Refresh(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

// Refresh loads the years kept in the store again (another instance may have added one).
func (c *Calendar) Refresh(ctx context.Context) error {
	if c.store == nil {
		return nil
	}
	files, err := c.store.Years(ctx)
	if err != nil {
		return fmt.Errorf("read the stored working-day years: %w", err)
	}
	for year, raw := range files {
		y, err := Parse(raw)
		if err != nil || y.Year != year {
			return fmt.Errorf("stored working-day year %d: unreadable (%v)", year, err)
		}
		c.put(y)
	}
	return nil
}

// Add checks a year's file (ErrInvalid), keeps it in the store (when the calendar has one) and
// loads it.
func (c *Calendar) Add(ctx context.Context, raw []byte) (*Year, error) {
	y, err := Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if c.store != nil {
		if err := c.store.PutYear(ctx, y.Year, raw); err != nil {
			return nil, err
		}
	}
	c.put(y)
	return y, nil
}

// Parse reads and checks one year's file: every date valid, holidays not also workdays,
// workdays on weekends, and the file's dates in its year (holidays may begin the year before).
func Parse(raw []byte) (*Year, error) {
	var y Year
	if err := json.Unmarshal(raw, &y); err != nil {
		return nil, fmt.Errorf("not a holiday arrangement: %w", err)
	}
	if y.Year < 2000 || y.Year > 2100 {
		return nil, fmt.Errorf("year %d out of range", y.Year)
	}
	off := map[string]bool{}
	for _, d := range y.Holidays {
		t, err := time.Parse(time.DateOnly, d)
		if err != nil {
			return nil, fmt.Errorf("holiday %q: %w", d, err)
		}
		if t.Year() != y.Year && !(t.Year() == y.Year-1 && t.Month() == time.December) {
			return nil, fmt.Errorf("holiday %s is not in %d", d, y.Year)
		}
		off[d] = true
	}
	for _, d := range y.Workdays {
		t, err := time.Parse(time.DateOnly, d)
		if err != nil {
			return nil, fmt.Errorf("make-up working day %q: %w", d, err)
		}
		if t.Year() != y.Year {
			return nil, fmt.Errorf("make-up working day %s is not in %d", d, y.Year)
		}
		if wd := t.Weekday(); wd != time.Saturday && wd != time.Sunday {
			return nil, fmt.Errorf("make-up working day %s is not a weekend day", d)
		}
		if off[d] {
			return nil, fmt.Errorf("%s is both a holiday and a working day", d)
		}
	}
	return &y, nil
}

// Load checks a year's file and loads it into this calendar only, replacing that year.
func (c *Calendar) Load(raw []byte) (*Year, error) {
	y, err := Parse(raw)
	if err != nil {
		return nil, err
	}
	c.put(y)
	return y, nil
}

// put replaces a year's arrangement and derives the day sets again (a few years, a few dozen
// days each).
func (c *Calendar) put(y *Year) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.years[y.Year] = y
	c.off, c.on = map[string]bool{}, map[string]bool{}
	for _, y := range c.years {
		for _, d := range y.Holidays {
			c.off[d] = true
		}
		for _, d := range y.Workdays {
			c.on[d] = true
		}
	}
}

// Has reports whether the arrangement of a year is loaded.
func (c *Calendar) Has(year int) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.years[year] != nil
}

// Years lists the years loaded.
func (c *Calendar) Years() []int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make([]int, 0, len(c.years))
	for y := range c.years {
		out = append(out, y)
	}
	sort.Ints(out)
	return out
}

// IsWorkday reports whether the China calendar date of t is a working day.
func (c *Calendar) IsWorkday(t time.Time) (bool, error) {
	ok, known := c.workday(t)
	if !known {
		return false, fmt.Errorf("%w %d", ErrMissingYear, t.In(clock.China).Year())
	}
	return ok, nil
}

// workday reports whether t's China date is a working day, counting Monday to Friday where its
// year is not loaded (known false).
func (c *Calendar) workday(t time.Time) (ok, known bool) {
	d := t.In(clock.China)
	wd := d.Weekday()
	weekday := wd != time.Saturday && wd != time.Sunday
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.years[d.Year()] == nil {
		return weekday, false
	}
	key := d.Format(time.DateOnly)
	switch {
	case c.on[key]:
		return true, true
	case c.off[key]:
		return false, true
	}
	return weekday, true
}

// AddWorkdays returns the end of the n-th working day after the day of t, in China time: a case
// submitted on a Friday evening with n = 7 is due at the end of the seventh working day after
// that Friday. The day of submission never counts, whatever the hour. A day in a year not
// loaded is ErrMissingYear.
func (c *Calendar) AddWorkdays(t time.Time, n int) (time.Time, error) {
	due, provisional := c.count(t, n)
	if provisional {
		return time.Time{}, fmt.Errorf("%w %d", ErrMissingYear, due.Add(-time.Nanosecond).In(clock.China).Year())
	}
	return due, nil
}

// Due is AddWorkdays for a case that must go on: when the count runs into a year not loaded it
// first reads the stored years again (another instance may have added it), and if the year is
// still missing counts its days Monday to Friday and says the date is provisional.
func (c *Calendar) Due(ctx context.Context, t time.Time, n int) (due time.Time, provisional bool, err error) {
	due, provisional = c.count(t, n)
	if provisional && c.store != nil {
		if err := c.Refresh(ctx); err != nil {
			return time.Time{}, false, err
		}
		due, provisional = c.count(t, n)
	}
	return due, provisional, nil
}

// count walks the days after t's; provisional when a day of a year not loaded was counted.
func (c *Calendar) count(t time.Time, n int) (due time.Time, provisional bool) {
	y, m, dd := t.In(clock.China).Date()
	day := time.Date(y, m, dd, 0, 0, 0, 0, clock.China)
	for n > 0 {
		day = day.AddDate(0, 0, 1)
		ok, known := c.workday(day)
		provisional = provisional || !known
		if ok {
			n--
		}
	}
	return day.AddDate(0, 0, 1), provisional
}
