// Package notice sends template messages (模板消息) of the service account to the WeChat user
// bound to an account, such as the result of a manual review. WeChat sometimes answers "busy" or
// drops a connection, so a send is tried a few times with growing pauses, within the caller's
// deadline; a refusal that will not change (the user unfollowed, the template id is wrong) is not
// retried. Every notice leaves a record (template, account, kind, result, attempts, time) for
// support and audit; the record holds no openid and none of the message's data, and is purged
// after RecordTTL.
package notice

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"jszg/server/clock"
	"jszg/wechat/binding"
)

// Sending policy.
const (
	Attempts  = 3
	Backoff   = 200 * time.Millisecond // doubled after each failure
	RecordTTL = 180 * 24 * time.Hour
)

// WeChat's errcode for "the user does not follow the service account".
const codeRequireFollower = 43004

// Refusals the caller acts on (by falling back to SMS).
var (
	ErrNotBound   = binding.ErrNotBound
	ErrUnfollowed = errors.New("the bound WeChat user does not follow the service account")
)

// Notice is one template message.
type Notice struct {
	TemplateID string
	// Kind says what the notice is about (e.g. "review_result"), for the record.
	Kind string
	// URL is opened when the user taps the message (optional).
	URL string
	// Data fills the template's fields: key → value.
	Data map[string]string
}

// Sender sends a template message to an openid.
type Sender interface {
	SendTemplate(ctx context.Context, openid, templateID, link string, data map[string]string) (int64, error)
}

// Recipients are the bindings: who an account's WeChat user is and whether they follow.
type Recipients interface {
	Get(ctx context.Context, accountID string) (*binding.Binding, error)
	SetFollowed(ctx context.Context, openid string, followed bool) error
}

// Record is what is kept of one notice.
type Record struct {
	ID         string
	AccountID  string
	TemplateID string
	Kind       string
	Result     string // sent, failed, unfollowed, not_bound
	ErrCode    int
	Attempts   int
	MsgID      int64
	CreatedAt  time.Time
	PurgeAt    time.Time
}

// Store keeps the records until their PurgeAt.
type Store interface {
	// Add keeps r.
	Add(ctx context.Context, r Record) error
	// History returns the account's records not purged at now, newest first, at most limit.
	History(ctx context.Context, accountID string, now time.Time, limit int) ([]Record, error)
}

// Results.
const (
	ResultSent       = "sent"
	ResultFailed     = "failed"
	ResultUnfollowed = "unfollowed"
	ResultNotBound   = "not_bound"
)

// Notices sends and records notices.
type Notices struct {
	st   Store
	clk  clock.Clock
	send Sender
	to   Recipients
	log  *slog.Logger
	// Backoff is the first pause between attempts (tests shorten it).
	Backoff time.Duration
}

// New returns the notices service.
func New(st Store, clk clock.Clock, send Sender, to Recipients, log *slog.Logger) *Notices {
	if log == nil {
		log = slog.Default()
	}
	return &Notices{st: st, clk: clk, send: send, to: to, log: log, Backoff: Backoff}
}

// Notify sends nt to the WeChat user bound to accountID. It returns ErrNotBound or
// ErrUnfollowed when WeChat cannot carry it, and the last error when every attempt failed.
func (n *Notices) Notify(ctx context.Context, accountID string, nt Notice) error {
	rec := Record{ID: newID(), AccountID: accountID, TemplateID: nt.TemplateID, Kind: nt.Kind, CreatedAt: n.clk.Now()}
	rec.PurgeAt = rec.CreatedAt.Add(RecordTTL)
	b, err := n.to.Get(ctx, accountID)
	switch {
	case errors.Is(err, binding.ErrNotBound):
		rec.Result = ResultNotBound
		n.keep(ctx, rec)
		return ErrNotBound
	case err != nil:
		return err
	case !b.Followed:
		rec.Result = ResultUnfollowed
		n.keep(ctx, rec)
		return ErrUnfollowed
	}
	pause := n.Backoff
	for {
		rec.Attempts++
		rec.MsgID, err = n.send.SendTemplate(ctx, b.OpenID, nt.TemplateID, nt.URL, nt.Data)
		if err == nil {
			rec.Result, rec.ErrCode = ResultSent, 0
			n.keep(ctx, rec)
			return nil
		}
		rec.ErrCode = weChatCode(err)
		if rec.ErrCode == codeRequireFollower {
			// WeChat knows better than our record: the user has unfollowed.
			_ = n.to.SetFollowed(ctx, b.OpenID, false)
			rec.Result = ResultUnfollowed
			n.keep(ctx, rec)
			return ErrUnfollowed
		}
		if !retryable(err) || rec.Attempts >= Attempts {
			break
		}
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			err = fmt.Errorf("%w (after %v)", ctx.Err(), err)
		case <-t.C:
			pause *= 2
			continue
		}
		break
	}
	rec.Result = ResultFailed
	n.keep(ctx, rec)
	n.log.Warn("wechat notice not sent", "account", accountID, "template", nt.TemplateID, "attempts", rec.Attempts, "err", err)
	return err
}

// History returns the latest records of an account, newest first.
func (n *Notices) History(ctx context.Context, accountID string, limit int) ([]Record, error) {
	return n.st.History(ctx, accountID, n.clk.Now(), limit)
}

func (n *Notices) keep(ctx context.Context, rec Record) {
	if err := n.st.Add(context.WithoutCancel(ctx), rec); err != nil {
		n.log.Warn("wechat notice: record", "err", err)
	}
}

func weChatCode(err error) int {
	var e interface{ WeChatCode() int }
	if errors.As(err, &e) {
		return e.WeChatCode()
	}
	return 0
}

// retryable: errors that say so, and any error that does not say (a transport failure).
func retryable(err error) bool {
	var e interface{ Retryable() bool }
	if errors.As(err, &e) {
		return e.Retryable()
	}
	return true
}

func newID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
