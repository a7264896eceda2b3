// Package audit records security events (registration, sign-in and its failures, lockouts, code
// sends, sign-out, later reviewers' decisions and admins' corrections) in an append-only log
// (Store). Records carry no secrets, and personal information only masked: they are read by
// staff who need to know what happened, not who the applicant is.
package audit

import (
	"context"
	"log/slog"
	"net"
	"time"

	"jszg/server/clock"
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
	// Security hardening: re-registration over a legacy account, archived accounts, refusals.
	LegacyReRegistered = "legacy_re_registered"
	LegacyNoticeFailed = "legacy_notice_failed"
)

// Record is one audit entry.
type Record struct {
	At        time.Time
	Event     string
	AccountID string
	Actor     string // staff member, for staff actions
	Addr      string // client address, masked
	Subject   string
	Detail    map[string]string
}

// Store keeps the records. It only appends: nothing changes or removes a record.
type Store interface {
	// Append adds a record, its time kept to the millisecond.
	Append(ctx context.Context, r Record) error
	// List returns at most limit records (all when limit <= 0), of one account when accountID
	// is set, newest first: by At, and of records at the same instant the later appended first.
	List(ctx context.Context, accountID string, limit int64) ([]Record, error)
}

// Log is the audit log.
type Log struct {
	st  Store
	clk clock.Clock
	log *slog.Logger
}

// New returns the audit log kept in st.
func New(st Store, clk clock.Clock, log *slog.Logger) *Log {
	return &Log{st: st, clk: clk, log: log}
}

// Add records an event. Subject is already masked by the caller (a masked document number or
// phone); addr is masked here. A failure to record is logged, never shown to the user: the
// action it describes has already happened.
func (l *Log) Add(ctx context.Context, r Record) {
	r.At = l.clk.Now()
	r.Addr = MaskAddr(r.Addr)
	if err := l.st.Append(ctx, r); err != nil {
		l.log.Error("audit record lost", "event", r.Event, "err", err)
	}
}

// List returns the newest records, of one account if accountID is set.
func (l *Log) List(ctx context.Context, accountID string, limit int64) ([]Record, error) {
	return l.st.List(ctx, accountID, limit)
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
