// Package workdays counts China's working days: Monday to Friday, except the public holidays of
// the State Council's yearly notice, plus the weekend days that notice makes working days (调休).
// Each year's arrangement is a data file (data/<year>.json) shipped in the binary; the notice for
// a year comes out in its November before, so an admin can load a year's file at run time
// (Calendar.Load) without a new release. A date in a year with no arrangement is an error,
// never a guess: a due date computed over unknown holidays would be wrong.
package workdays

import (
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

// ErrMissingYear is returned for a date in a year whose arrangement is not loaded.
var ErrMissingYear = errors.New("no holiday arrangement for the year")

// Calendar knows the arrangements of the years loaded; safe for concurrent use.
type Calendar struct {
	mu    sync.RWMutex
	years map[int]bool
	off   map[string]bool
	on    map[string]bool
}

// Shipped returns the calendar of the data files in the binary.
func Shipped() (*Calendar, error) {
	c := &Calendar{years: map[int]bool{}, off: map[string]bool{}, on: map[string]bool{}}
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

// Load adds (or replaces) one year's arrangement from its file.
func (c *Calendar) Load(raw []byte) (*Year, error) {
	y, err := Parse(raw)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.years[y.Year] = true
	for _, d := range y.Holidays {
		c.off[d] = true
	}
	for _, d := range y.Workdays {
		c.on[d] = true
	}
	return y, nil
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
	d := t.In(clock.China)
	c.mu.RLock()
	defer c.mu.RUnlock()
	if !c.years[d.Year()] {
		return false, fmt.Errorf("%w %d", ErrMissingYear, d.Year())
	}
	key := d.Format(time.DateOnly)
	switch {
	case c.on[key]:
		return true, nil
	case c.off[key]:
		return false, nil
	}
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday, nil
}

// AddWorkdays returns the end of the n-th working day after the day of t, in China time: a case
// submitted on a Friday evening with n = 7 is due at the end of the seventh working day after
// that Friday. The day of submission never counts, whatever the hour.
func (c *Calendar) AddWorkdays(t time.Time, n int) (time.Time, error) {
	y, m, dd := t.In(clock.China).Date()
	day := time.Date(y, m, dd, 0, 0, 0, 0, clock.China)
	for n > 0 {
		day = day.AddDate(0, 0, 1)
		ok, err := c.IsWorkday(day)
		if err != nil {
			return time.Time{}, err
		}
		if ok {
			n--
		}
	}
	return day.AddDate(0, 0, 1), nil
}
