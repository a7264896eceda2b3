// Package quota counts actions in calendar windows (a minute, an hour, a China calendar day, a
// review period) in the database, so a limit holds across every server instance. A counter is one
// document per key and window, changed only with single-document atomic updates: Take increments
// first and gives the increment back when the limit is exceeded, so concurrent callers can never
// win more slots than the limit allows.
package quota

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"jszg/server/clock"
	"jszg/server/store"
	"jszg/shared/errcode"
)

const collection = "quota_counters"

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

// Quotas is the counter store.
type Quotas struct {
	st  *store.Store
	c   *mongo.Collection
	clk clock.Clock
}

// New returns the quotas kept in st.
func New(st *store.Store, clk clock.Clock) *Quotas {
	return &Quotas{st: st, c: st.DB.Collection(collection), clk: clk}
}

// EnsureIndexes creates the expiry index of the counters.
func (q *Quotas) EnsureIndexes(ctx context.Context) error {
	return q.st.EnsureIndexes(ctx, collection, store.Index{Keys: bson.D{{Key: "expires_at", Value: 1}}, ExpireAfter: store.Expire})
}

// Grant is a set of slots taken; Release gives them back (when the action did not happen).
type Grant struct {
	q   *Quotas
	ids []string
}

// Take takes one slot of every limit for key, or none: if any limit is reached it returns
// *Exceeded and gives back what it took.
func (q *Quotas) Take(ctx context.Context, key string, limits ...Limit) (*Grant, error) {
	now := q.clk.Now()
	g := &Grant{q: q}
	for _, l := range limits {
		start, end := l.Window(now)
		id := l.Name + "|" + key + "|" + strconv.FormatInt(start.Unix(), 10)
		n, err := q.inc(ctx, id, 1, end)
		if err != nil {
			g.Release(ctx)
			return nil, err
		}
		if n > l.Max {
			_, _ = q.inc(ctx, id, -1, end)
			g.Release(ctx)
			return nil, &Exceeded{Limit: l.Name, RetryAfter: end.Sub(now)}
		}
		g.ids = append(g.ids, id)
	}
	return g, nil
}

// Release gives the slots back. It is safe to call on a nil grant and more than once.
func (g *Grant) Release(ctx context.Context) {
	if g == nil {
		return
	}
	for _, id := range g.ids {
		_, _ = g.q.c.UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$inc": bson.M{"n": -1}})
	}
	g.ids = nil
}

// Used returns how many slots of limit are taken for key in the current window.
func (q *Quotas) Used(ctx context.Context, key string, l Limit) (int, error) {
	start, _ := l.Window(q.clk.Now())
	id := l.Name + "|" + key + "|" + strconv.FormatInt(start.Unix(), 10)
	var doc struct {
		N int `bson:"n"`
	}
	err := q.c.FindOne(ctx, bson.M{"_id": id}).Decode(&doc)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return 0, nil
	}
	return doc.N, err
}

// Remaining returns how many slots of limit are left for key in the current window.
func (q *Quotas) Remaining(ctx context.Context, key string, l Limit) (int, error) {
	n, err := q.Used(ctx, key, l)
	if err != nil {
		return 0, err
	}
	return max(l.Max-n, 0), nil
}

func (q *Quotas) inc(ctx context.Context, id string, by int, end time.Time) (int, error) {
	// An upsert racing another upsert of the same new counter can fail with a duplicate key on
	// MongoDB; the second try finds the document.
	for try := 0; ; try++ {
		var doc struct {
			N int `bson:"n"`
		}
		err := q.c.FindOneAndUpdate(ctx,
			bson.M{"_id": id},
			bson.M{"$inc": bson.M{"n": by}, "$setOnInsert": bson.M{"expires_at": end.Add(time.Hour)}},
			options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After),
		).Decode(&doc)
		if err == nil {
			return doc.N, nil
		}
		if !store.IsDuplicateKey(err) || try == 3 {
			return 0, fmt.Errorf("count %s: %w", id, err)
		}
	}
}

// Merge joins two grants into one that releases both.
func Merge(a, b *Grant) *Grant {
	if a == nil {
		return b
	}
	if b == nil {
		return a
	}
	return &Grant{q: a.q, ids: append(append([]string(nil), a.ids...), b.ids...)}
}
