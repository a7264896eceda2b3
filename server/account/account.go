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
	// ByDocNumber returns the live account of a normalised document number; ErrNotFound.
	ByDocNumber(ctx context.Context, docNumber string) (*Account, error)
	// ByID returns a live account; ErrNotFound (also for an archived one).
	ByID(ctx context.Context, id string) (*Account, error)
	// Archive archives account id if it is live, still holds docNumber and was created before
	// createdBefore, in one atomic step; it reports whether it did.
	Archive(ctx context.Context, id, docNumber string, createdBefore, now time.Time) (bool, error)
	// SetPasswordHash replaces the password hash of a live account.
	SetPasswordHash(ctx context.Context, id, hash string) error
	// SetRealName moves a live account's real-name state to `to` if it is one of `from`, in one
	// atomic step, and reports whether it did: of concurrent movers from the same state, one wins.
	SetRealName(ctx context.Context, id string, from []string, to string) (bool, error)
	// SetContact replaces the phone and the e-mail of a live account (an admin's correction).
	SetContact(ctx context.Context, id, phone, email string) error
}

// Accounts is the account service the flows use.
type Accounts struct {
	Store
}

// New returns the accounts kept in st.
func New(st Store) *Accounts { return &Accounts{st} }

// ArchiveLegacy archives the live legacy account of a document number, freeing the number for a
// new registration. It reports whether an account was archived; a live account that is not
// legacy is left alone.
func (a *Accounts) ArchiveLegacy(ctx context.Context, docNumber string, now time.Time) (bool, error) {
	acc, err := a.ByDocNumber(ctx, docNumber)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	if err != nil || !acc.Legacy() {
		return false, err
	}
	ok, err := a.Archive(ctx, acc.ID, docNumber, LegacyCutoff, now)
	if err != nil {
		return false, fmt.Errorf("archive legacy account: %w", err)
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
