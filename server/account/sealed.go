package account

import (
	"context"
	"errors"

	"jszg/server/pii"
)

// The personal information of an account that the engines keep sealed (package pii), field by
// field; the rest (dates, sex, states) reveals no one's identity on its own.
func sealedFields(a *Account) map[string]*string {
	return map[string]*string{
		"doc_number": &a.DocNumber, "name": &a.Name, "permit_number": &a.PermitNumber,
		"local_id": &a.LocalID, "email": &a.Email, "phone": &a.Phone,
	}
}

// FieldStagedName is the sealed field of a staged name (a sealed value is bound to its field).
const FieldStagedName = "staged_name"

// Index kinds of the blind indexes.
const (
	IndexDocNumber = "doc_number"
	IndexPhone     = "phone"
)

// ErrNoKeys: an engine was asked for accounts before it had the personal-data keys.
var ErrNoKeys = errors.New("personal-data keys not configured")

// Sealed is an account as an engine stores it: personal fields sealed, with the blind indexes of
// its document number and phone and the key that sealed it.
type Sealed struct {
	Account
	DocKey, PhoneKey, KeyID string
}

// Seal returns the stored form of a.
func Seal(k *pii.Keys, a *Account) (*Sealed, error) {
	if k == nil {
		return nil, ErrNoKeys
	}
	s := &Sealed{Account: *a, DocKey: k.Index(IndexDocNumber, a.DocNumber), PhoneKey: k.Index(IndexPhone, a.Phone), KeyID: k.Current()}
	for field, v := range sealedFields(&s.Account) {
		sealed, err := k.Seal(*v, a.ID, field)
		if err != nil {
			return nil, err
		}
		*v = sealed
	}
	if a.Staged != nil {
		st := *a.Staged
		name, err := k.Seal(st.Name, a.ID, FieldStagedName)
		if err != nil {
			return nil, err
		}
		st.Name, s.Staged = name, &st
	}
	return s, nil
}

// Open turns a stored account back into the account; keyID "" means a row stored before personal
// data was sealed, whose fields are plain.
func Open(k *pii.Keys, a *Account, keyID string) error {
	if k == nil {
		return ErrNoKeys
	}
	if keyID == "" {
		return nil
	}
	for field, v := range sealedFields(a) {
		plain, err := k.Open(*v, a.ID, field)
		if err != nil {
			return err
		}
		*v = plain
	}
	if a.Staged != nil {
		// A copy: the caller may keep the sealed account that shares the pointer.
		st := *a.Staged
		name, err := k.Open(st.Name, a.ID, FieldStagedName)
		if err != nil {
			return err
		}
		st.Name, a.Staged = name, &st
	}
	return nil
}

// Resealer re-encrypts stored accounts with the current key (jszg rotate-keys), a batch at a time,
// while the server keeps serving: each account is rewritten by one statement that first checks it
// still holds what was read.
type Resealer interface {
	// Reseal re-encrypts up to batch accounts not sealed with the current key and returns how
	// many it did; 0 means none is left.
	Reseal(ctx context.Context, batch int) (int, error)
	// ResealPlain seals up to batch accounts stored before personal data was sealed.
	ResealPlain(ctx context.Context, batch int) (int, error)
}
