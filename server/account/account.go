// Package account keeps applicants' accounts: who they are (document, name, validity), how to reach
// them (phone, e-mail) and their password hash. A document number belongs to at most one live
// account (Store says how the engines keep that rule).
package account

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// LegacyCutoff: accounts registered before this day (China time) are legacy accounts: they cannot
// reset their password, and registering again with the same document number archives them.
var LegacyCutoff = time.Date(2019, 3, 1, 0, 0, 0, 0, time.FixedZone("CST", 8*3600))

// Real-name states.
const (
	RealNameNone           = "none"
	RealNameVerified       = "verified"
	RealNameReviewPending  = "review_pending"
	RealNameReviewApproved = "review_approved"
)

// Account is one applicant's account.
type Account struct {
	ID           string     `bson:"_id"`
	DocType      string     `bson:"doc_type"`
	DocNumber    string     `bson:"doc_number"`
	Name         string     `bson:"name"`
	Sex          string     `bson:"sex"`
	BirthDate    string     `bson:"birth_date"` // YYYY-MM-DD
	Ethnicity    string     `bson:"ethnicity,omitempty"`
	Region       string     `bson:"region,omitempty"`
	PermitNumber string     `bson:"permit_number,omitempty"`
	LocalID      string     `bson:"local_id,omitempty"`
	ValidityTerm string     `bson:"validity_term"`
	ValidFrom    string     `bson:"valid_from"`
	ValidUntil   string     `bson:"valid_until,omitempty"`
	Email        string     `bson:"email"`
	Phone        string     `bson:"phone"`
	PasswordHash string     `bson:"password_hash"`
	RealName     string     `bson:"real_name"`
	CreatedAt    time.Time  `bson:"created_at"`
	ArchivedAt   *time.Time `bson:"archived_at,omitempty"`
	// Staged is a change of name or validity dates that waits for a real-name verification with
	// the new values (修改个人身份信息); nil when none waits.
	Staged *StagedIdentity `bson:"staged,omitempty"`
	// MoESubject is the subject of the 教育部统一身份认证 identity linked to the account ("" until
	// its first 教育部账号登录).
	MoESubject string `bson:"moe_subject,omitempty"`
	// Supersedes is the legacy account this one was registered over. Until the new account
	// proves its holder (real-name verification or a manual review) both stay live: knowing a
	// document number must not be enough to take over or shut out its legacy account.
	Supersedes string `bson:"supersedes,omitempty"`
}

// StagedIdentity is the new name and validity of a change that takes effect only when a real-name
// verification with these values passes. At identifies the change, so that applying it cannot
// apply a newer one that replaced it meanwhile.
type StagedIdentity struct {
	Name         string    `bson:"name"`
	ValidityTerm string    `bson:"validity_term"`
	ValidFrom    string    `bson:"valid_from"`
	ValidUntil   string    `bson:"valid_until,omitempty"`
	At           time.Time `bson:"at"`
}

// IdentityChange is what 修改个人身份信息 writes at once: the fields that need no verification,
// and the staged change (nil clears it).
type IdentityChange struct {
	Ethnicity    string
	PermitNumber string
	LocalID      string
	Staged       *StagedIdentity
}

// Legacy reports whether the account was registered before the legacy cutoff.
func (a *Account) Legacy() bool { return a.CreatedAt.Before(LegacyCutoff) }

// Refusals of the store.
var (
	// ErrTaken: a live account already has the document number.
	ErrTaken = errors.New("document number already registered")
	// ErrNotFound: no live account matches.
	ErrNotFound = errors.New("account not found")
)

// Store keeps accounts. A document number belongs to at most one live account: the engines hold
// that rule with a unique index, so two concurrent registrations of one number make one account.
type Store interface {
	// Create inserts a new live account; ErrTaken when the number has a live account.
	Create(ctx context.Context, acc *Account) error
	// ByDocNumber returns the live account holding a normalised document number (never one
	// that only supersedes a legacy account); ErrNotFound. A miss should cost what a hit costs,
	// so that the time of an answer does not tell whether a number is registered.
	ByDocNumber(ctx context.Context, docNumber string) (*Account, error)
	// Candidates returns every live account of a document number: its holder and the accounts
	// registered over it that await verification, oldest first.
	Candidates(ctx context.Context, docNumber string) ([]*Account, error)
	// ByPhone returns the live accounts with a normalised phone.
	ByPhone(ctx context.Context, phone string) ([]*Account, error)
	// Promote makes an account that supersedes a legacy account the holder of its number;
	// ErrTaken while another live account holds it, ErrNotFound when it is not live.
	Promote(ctx context.Context, id string) error
	// ByID returns a live account; ErrNotFound (also for an archived one).
	ByID(ctx context.Context, id string) (*Account, error)
	// Archive archives account id if it is live, still holds docNumber and was created before
	// createdBefore, in one atomic step; it reports whether it did.
	Archive(ctx context.Context, id, docNumber string, createdBefore, now time.Time) (bool, error)
	// SetPasswordHash replaces the password hash of a live account.
	SetPasswordHash(ctx context.Context, id, hash string) error
	// SetPhone replaces the phone of a live account.
	SetPhone(ctx context.Context, id, phone string) error
	// SetIdentity writes ch to a live account; ErrNotFound when there is none.
	SetIdentity(ctx context.Context, id string, ch IdentityChange) error
	// ApplyStaged makes the staged change the account's name and validity and clears it, in one
	// atomic step, if the account is live and its staged change is still the one made at
	// staged.At; it reports whether it did.
	ApplyStaged(ctx context.Context, id string, staged StagedIdentity) (bool, error)
	// LinkMoE records the MoE subject of a live account whose subject is empty or already this
	// one; it reports whether the account now has this subject.
	LinkMoE(ctx context.Context, id, subject string) (bool, error)
	// SetRealName moves a live account's real-name state to `to` if it is one of `from`, in one
	// atomic step, and reports whether it did: of concurrent movers from the same state, one wins.
	SetRealName(ctx context.Context, id string, from []string, to string) (bool, error)
	// SetContact replaces the phone and the e-mail of a live account (an admin's correction).
	SetContact(ctx context.Context, id, phone, email string) error
}

// Accounts is the account service the flows use.
type Accounts struct {
	Store
	// Sessions ends the sessions of an archived account; nil ends none (tests of the store).
	Sessions SessionEnder
}

// SessionEnder ends every session of an account.
type SessionEnder interface {
	EndAll(ctx context.Context, accountID, exceptID string) (int64, error)
}

// New returns the accounts kept in st.
func New(st Store) *Accounts { return &Accounts{Store: st} }

// MaxPendingOverLegacy bounds the accounts that may wait, registered over one legacy account, for
// their holder to be verified: each costs a captcha and a code, and sign-in tries each.
const MaxPendingOverLegacy = 3

// ErrTooManyPending: MaxPendingOverLegacy accounts already wait over the legacy account.
var ErrTooManyPending = errors.New("too many accounts registered over the legacy account")

// CheckRegistrable says whether a new account may be registered for docNumber: ErrTaken when a
// live account that is not legacy holds it, ErrTooManyPending at the bound. It returns the legacy
// holder the new account will supersede, or nil when the number is free.
func (a *Accounts) CheckRegistrable(ctx context.Context, docNumber string) (*Account, error) {
	accs, err := a.Candidates(ctx, docNumber)
	if err != nil {
		return nil, err
	}
	var holder *Account
	pending := 0
	for _, acc := range accs {
		if acc.Supersedes != "" {
			pending++
			continue
		}
		holder = acc
	}
	switch {
	case holder == nil:
		return nil, nil
	case !holder.Legacy():
		return nil, ErrTaken
	case pending >= MaxPendingOverLegacy:
		return nil, ErrTooManyPending
	}
	return holder, nil
}

// ArchiveSuperseded is called when account id has proved its holder (real-name verification
// passed or a manual review approved). If id was registered over a legacy account, the legacy
// account is archived and its sessions end, every other account waiting over it is archived too
// (they were not its holder), and id becomes the holder of the number. It reports whether a
// legacy account was archived.
func (a *Accounts) ArchiveSuperseded(ctx context.Context, id string, now time.Time) (bool, error) {
	acc, err := a.ByID(ctx, id)
	if err != nil {
		return false, err
	}
	if acc.Supersedes == "" {
		return false, nil
	}
	accs, err := a.Candidates(ctx, acc.DocNumber)
	if err != nil {
		return false, err
	}
	archived := false
	for _, other := range accs {
		if other.ID == id {
			continue
		}
		// The legacy holder was registered before the cutoff; the other waiting accounts
		// before now. Either way the store archives only a live account still holding the
		// number.
		before := now.Add(time.Millisecond)
		if other.ID == acc.Supersedes {
			before = LegacyCutoff
		} else if other.Supersedes == "" {
			continue // a holder that is not the superseded legacy account: not ours to touch
		}
		ok, err := a.Archive(ctx, other.ID, acc.DocNumber, before, now)
		if err != nil {
			return archived, fmt.Errorf("archive superseded account: %w", err)
		}
		if ok && a.Sessions != nil {
			if _, err := a.Sessions.EndAll(ctx, other.ID, ""); err != nil {
				return archived, fmt.Errorf("end sessions of an archived account: %w", err)
			}
		}
		archived = archived || (ok && other.ID == acc.Supersedes)
	}
	if err := a.Promote(ctx, id); err != nil {
		return archived, fmt.Errorf("promote verified account: %w", err)
	}
	return archived, nil
}

// ApplyStagedIdentity makes the account's staged change of name and validity dates take effect.
// Real-name verification calls it once the authority confirmed the staged values (they are on
// Account.Staged); it reports false when nothing was staged or the change was replaced while
// the verification ran (the newer one then waits for its own verification).
func (a *Accounts) ApplyStagedIdentity(ctx context.Context, id string) (bool, error) {
	acc, err := a.ByID(ctx, id)
	if err != nil {
		return false, err
	}
	if acc.Staged == nil {
		return false, nil
	}
	ok, err := a.ApplyStaged(ctx, id, *acc.Staged)
	if err != nil {
		return false, fmt.Errorf("apply staged identity: %w", err)
	}
	return ok, nil
}

// NewID returns a new random account id.
func NewID() string {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // the system's random source never fails on supported platforms
	}
	return hex.EncodeToString(b[:])
}
