// Package quota counts actions in calendar windows (a minute, an hour, a China calendar day, a
// review period) in the database, so a limit holds across every server instance. A counter is one
// record per key and window, changed only by atomic additions (Store): Take adds first and gives
// the addition back when the limit is exceeded, so concurrent callers can never win more slots
// than the limit allows.
package quota

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"jszg/server/clock"
	"jszg/shared/errcode"
)

// Window maps an instant to the calendar window that contains it.
type Window func(t time.Time) (start, end time.Time)

// Fixed windows of length d aligned to the Unix epoch (minutes and hours).
func Fixed(d time.Duration) Window {
	return func(t time.Time) (time.Time, time.Time) {
		s := t.Truncate(d)
		return s, s.Add(d)
	}
}

// ChinaDay is the calendar day in China time.
func ChinaDay(t time.Time) (time.Time, time.Time) {
	y, m, d := t.In(clock.China).Date()
	s := time.Date(y, m, d, 0, 0, 0, 0, clock.China)
	return s, s.AddDate(0, 0, 1)
}

// Limit is at most Max actions per Window.
type Limit struct {
	Name   string
	Max    int
	Window Window
}

// Exceeded is returned when a limit is reached; RetryAfter says when its window ends.
type Exceeded struct {
	Limit      string
	RetryAfter time.Duration
}

func (e *Exceeded) Error() string {
	return fmt.Sprintf("quota %s exceeded, retry after %s", e.Limit, e.RetryAfter)
}

// Refusal turns a reached limit into the user's error with code c and when to retry; any other
// error passes through.
func Refusal(err error, c errcode.Code) error {
	var ex *Exceeded
	if errors.As(err, &ex) {
		return errcode.After(c, ex.RetryAfter)
	}
	return err
}

// Store keeps the counters: one number per key and window, expiring after the window.
type Store interface {
	// Add adds by to the counter id and returns its new value, in one atomic operation; a missing
	// counter is created at 0 first and expires at expiresAt. Concurrent Adds are never lost.
	Add(ctx context.Context, id string, by int, expiresAt time.Time) (int, error)
	// Count returns the counter's value, 0 when there is none.
	Count(ctx context.Context, id string) (int, error)
}

// Quotas counts actions against limits.
type Quotas struct {
	st  Store
	clk clock.Clock
}

// New returns the quotas kept in st.
func New(st Store, clk clock.Clock) *Quotas {
	return &Quotas{st: st, clk: clk}
}

// Grant is a set of slots taken; Release gives them back (when the action did not happen).
type Grant struct {
	q     *Quotas
	slots []slot
}

type slot struct {
	id      string
	expires time.Time
}

// Take takes one slot of every limit for key, or none: if any limit is reached it returns
// *Exceeded and gives back what it took.
func (q *Quotas) Take(ctx context.Context, key string, limits ...Limit) (*Grant, error) {
	now := q.clk.Now()
	g := &Grant{q: q}
	for _, l := range limits {
		start, end := l.Window(now)
		s := slot{id: counterID(l, key, start), expires: end.Add(time.Hour)}
		n, err := q.st.Add(ctx, s.id, 1, s.expires)
		if err != nil {
			g.Release(ctx)
			return nil, fmt.Errorf("count %s: %w", l.Name, err)
		}
		if n > l.Max {
			_, _ = q.st.Add(ctx, s.id, -1, s.expires)
			g.Release(ctx)
			return nil, &Exceeded{Limit: l.Name, RetryAfter: end.Sub(now)}
		}
		g.slots = append(g.slots, s)
	}
	return g, nil
}

// Release gives the slots back. It is safe to call on a nil grant and more than once.
func (g *Grant) Release(ctx context.Context) {
	if g == nil {
		return
	}
	for _, s := range g.slots {
		_, _ = g.q.st.Add(context.WithoutCancel(ctx), s.id, -1, s.expires)
	}
	g.slots = nil
}

// Used returns how many slots of limit are taken for key in the current window.
func (q *Quotas) Used(ctx context.Context, key string, l Limit) (int, error) {
	start, _ := l.Window(q.clk.Now())
	return q.st.Count(ctx, counterID(l, key, start))
}

// Remaining returns how many slots of limit are left for key in the current window.
func (q *Quotas) Remaining(ctx context.Context, key string, l Limit) (int, error) {
	n, err := q.Used(ctx, key, l)
	if err != nil {
		return 0, err
	}
	return max(l.Max-n, 0), nil
}

// counterID names the counter of a limit, key and window. The key is hashed: keys hold document
// numbers, phones and addresses, and a counter's id shows up in the database and in error logs.
func counterID(l Limit, key string, start time.Time) string {
	h := sha256.Sum256([]byte(key))
	return l.Name + "|" + hex.EncodeToString(h[:16]) + "|" + strconv.FormatInt(start.Unix(), 10)
}

// Merge joins two grants into one that releases both.
func Merge(a, b *Grant) *Grant {
	if a == nil {
		return b
	}
	if b == nil {
		return a
	}
	return &Grant{q: a.q, slots: append(append([]slot(nil), a.slots...), b.slots...)}
}
