// Package audit records security events (registration, sign-in and its failures, lockouts, code
// sends, sign-out, later reviewers' decisions and admins' corrections) in an append-only
// collection. Records carry no secrets, and personal information only masked: they are read by
// staff who need to know what happened, not who the applicant is.
package audit

import (
	"context"
	"log/slog"
	"net"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"jszg/server/clock"
	"jszg/server/store"
)

// Event names.
const (
	Registered       = "registered"
	LegacyArchived   = "legacy_archived"
	SignedIn         = "signed_in"
	SignInFailed     = "sign_in_failed"
	SignInLocked     = "sign_in_locked"
	SignedOut        = "signed_out"
	CodeSent         = "code_sent"
	CodeSendRefused  = "code_send_refused"
	WeChatBindFailed = "wechat_bind_failed"
)

const collection = "audit"

// Record is one audit entry.
type Record struct {
	At        time.Time         `bson:"at"`
	Event     string            `bson:"event"`
	AccountID string            `bson:"account_id,omitempty"`
	Actor     string            `bson:"actor,omitempty"` // staff member, for staff actions
	Addr      string            `bson:"addr,omitempty"`  // client address, masked
	Subject   string            `bson:"subject,omitempty"`
	Detail    map[string]string `bson:"detail,omitempty"`
}

// Log is the audit log.
type Log struct {
	st  *store.Store
	c   *mongo.Collection
	clk clock.Clock
	log *slog.Logger
}

// New returns the audit log kept in st.
func New(st *store.Store, clk clock.Clock, log *slog.Logger) *Log {
	return &Log{st: st, c: st.DB.Collection(collection), clk: clk, log: log}
}

// EnsureIndexes creates the lookup indexes.
func (l *Log) EnsureIndexes(ctx context.Context) error {
	return l.st.EnsureIndexes(ctx, collection,
		store.Index{Keys: bson.D{{Key: "account_id", Value: 1}, {Key: "at", Value: -1}}},
		store.Index{Keys: bson.D{{Key: "at", Value: -1}}},
	)
}

// Add records an event. Subject is already masked by the caller (a masked document number or
// phone); addr is masked here. A failure to record is logged, never shown to the user: the
// action it describes has already happened.
func (l *Log) Add(ctx context.Context, r Record) {
	r.At = l.clk.Now()
	r.Addr = MaskAddr(r.Addr)
	if _, err := l.c.InsertOne(ctx, r); err != nil {
		l.log.Error("audit record lost", "event", r.Event, "err", err)
	}
}

// List returns the newest records, of one account if accountID is set.
func (l *Log) List(ctx context.Context, accountID string, limit int64) ([]Record, error) {
	filter := bson.M{}
	if accountID != "" {
		filter["account_id"] = accountID
	}
	cur, err := l.c.Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "at", Value: -1}}).SetLimit(limit))
	if err != nil {
		return nil, err
	}
	var out []Record
	err = cur.All(ctx, &out)
	return out, err
}

// MaskAddr keeps the network part of an address: the first three octets of IPv4, the first
// four groups of IPv6.
func MaskAddr(addr string) string {
	ip := net.ParseIP(addr)
	if ip == nil {
		return ""
	}
	if v4 := ip.To4(); v4 != nil {
		return net.IPv4(v4[0], v4[1], v4[2], 0).String() + "/24"
	}
	return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
}
