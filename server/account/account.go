// Package account keeps applicants' accounts: who they are (document, name, validity), how to reach
// them (phone, e-mail) and their password hash. A document number belongs to at most one live
// account; that rule is a unique index on the plain field live_key, which holds the normalised
// number while the account is live and a value unique to the account once it is archived (the
// engines share no partial indexes, so "unique among live accounts" is modelled this way).
package account

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"

	"jszg/server/store"
)

const collection = "accounts"

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
	LiveKey      string     `bson:"live_key"`
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

// ErrTaken is returned when a live account already has the document number.
var ErrTaken = errors.New("document number already registered")

// Accounts is the account collection.
type Accounts struct {
	st *store.Store
	c  *mongo.Collection
}

// New returns the accounts kept in st.
func New(st *store.Store) *Accounts {
	return &Accounts{st: st, c: st.DB.Collection(collection)}
}

// EnsureIndexes creates the unique live-document index and the lookup indexes.
func (a *Accounts) EnsureIndexes(ctx context.Context) error {
	return a.st.EnsureIndexes(ctx, collection,
		store.Index{Keys: bson.D{{Key: "live_key", Value: 1}}, Unique: true},
		store.Index{Keys: bson.D{{Key: "phone", Value: 1}}},
	)
}

// Create inserts a new live account; ErrTaken if the document number has a live account.
func (a *Accounts) Create(ctx context.Context, acc *Account) error {
	acc.LiveKey = acc.DocNumber
	_, err := a.c.InsertOne(ctx, acc)
	if store.IsDuplicateKey(err) {
		return ErrTaken
	}
	if err != nil {
		return fmt.Errorf("insert account: %w", err)
	}
	return nil
}

// ByDocNumber returns the live account of a normalised document number, or store.ErrNotFound.
func (a *Accounts) ByDocNumber(ctx context.Context, docNumber string) (*Account, error) {
	return a.one(ctx, bson.M{"live_key": docNumber})
}

// ByID returns a live account, or store.ErrNotFound.
func (a *Accounts) ByID(ctx context.Context, id string) (*Account, error) {
	return a.one(ctx, bson.M{"_id": id, "archived_at": nil})
}

func (a *Accounts) one(ctx context.Context, filter bson.M) (*Account, error) {
	var acc Account
	err := a.c.FindOne(ctx, filter).Decode(&acc)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load account: %w", err)
	}
	return &acc, nil
}

// ArchiveLegacy archives the live legacy account of a document number, freeing the number for a
// new registration. It reports whether an account was archived; a live account that is not
// legacy is left alone.
func (a *Accounts) ArchiveLegacy(ctx context.Context, docNumber string, now time.Time) (bool, error) {
	acc, err := a.ByDocNumber(ctx, docNumber)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil || !acc.Legacy() {
		return false, err
	}
	res, err := a.c.UpdateOne(ctx,
		bson.M{"_id": acc.ID, "live_key": docNumber, "created_at": bson.M{"$lt": LegacyCutoff}},
		bson.M{"$set": bson.M{"live_key": "archived:" + acc.ID, "archived_at": now}})
	if err != nil {
		return false, fmt.Errorf("archive legacy account: %w", err)
	}
	return res.ModifiedCount == 1, nil
}

// SetPasswordHash replaces the password hash of a live account.
func (a *Accounts) SetPasswordHash(ctx context.Context, id, hash string) error {
	_, err := a.c.UpdateOne(ctx, bson.M{"_id": id, "archived_at": nil}, bson.M{"$set": bson.M{"password_hash": hash}})
	return err
}

// NewID returns a new random account id.
func NewID() string {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // the system's random source never fails on supported platforms
	}
	return hex.EncodeToString(b[:])
}
