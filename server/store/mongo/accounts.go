package mongo

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"jszg/server/account"
)

// A document number is unique among live accounts. MongoDB's partial indexes would say that
// directly, but not every engine speaking its protocol has them, so the rule is a unique index on
// the plain field live_key: the number while the account is live, "archived:<id>" once archived.
const accountsCollection = "accounts"

func init() {
	setup(func(ctx context.Context, d *DB) error {
		return d.ensureIndexes(ctx, accountsCollection,
			index{name: "live_key_unique", keys: bson.D{{Key: "live_key", Value: 1}}, unique: true},
			index{name: "phone", keys: bson.D{{Key: "phone", Value: 1}}},
		)
	})
}

type accountDoc struct {
	*account.Account `bson:",inline"`
	LiveKey          string `bson:"live_key"`
}

// Accounts is the account.Store.
type Accounts struct{ d *DB }

// Accounts returns the accounts.
func (d *DB) Accounts() *Accounts { return &Accounts{d} }

// Create implements account.Store.
func (s *Accounts) Create(ctx context.Context, a *account.Account) error {
	key := a.DocNumber
	if a.ArchivedAt != nil {
		key = "archived:" + a.ID
	}
	_, err := s.d.DB.Collection(accountsCollection).InsertOne(ctx, accountDoc{a, key})
	if isDuplicate(err) {
		return account.ErrTaken
	}
	if err != nil {
		return fmt.Errorf("insert account: %w", err)
	}
	return nil
}

// ByDocNumber implements account.Store.
func (s *Accounts) ByDocNumber(ctx context.Context, docNumber string) (*account.Account, error) {
	return s.one(ctx, bson.M{"live_key": docNumber})
}

// ByID implements account.Store.
func (s *Accounts) ByID(ctx context.Context, id string) (*account.Account, error) {
	return s.one(ctx, bson.M{"_id": id, "archived_at": nil})
}

func (s *Accounts) one(ctx context.Context, filter bson.M) (*account.Account, error) {
	var a account.Account
	err := s.d.DB.Collection(accountsCollection).FindOne(ctx, filter).Decode(&a)
	if notFound(err) {
		return nil, account.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load account: %w", err)
	}
	return &a, nil
}

// Archive implements account.Store.
func (s *Accounts) Archive(ctx context.Context, id, docNumber string, createdBefore, now time.Time) (bool, error) {
	res, err := s.d.DB.Collection(accountsCollection).UpdateOne(ctx,
		bson.M{"_id": id, "live_key": docNumber, "created_at": bson.M{"$lt": createdBefore}},
		bson.M{"$set": bson.M{"live_key": "archived:" + id, "archived_at": now}})
	if err != nil {
		return false, err
	}
	return res.ModifiedCount == 1, nil
}

// SetPasswordHash implements account.Store.
func (s *Accounts) SetPasswordHash(ctx context.Context, id, hash string) error {
	_, err := s.d.DB.Collection(accountsCollection).UpdateOne(ctx, bson.M{"_id": id, "archived_at": nil},
		bson.M{"$set": bson.M{"password_hash": hash}})
	return err
}

// SetPhone implements account.Store.
func (s *Accounts) SetPhone(ctx context.Context, id, phone string) error {
	_, err := s.d.DB.Collection(accountsCollection).UpdateOne(ctx, bson.M{"_id": id, "archived_at": nil},
		bson.M{"$set": bson.M{"phone": phone}})
	return err
}

// SetIdentity implements account.Store.
func (s *Accounts) SetIdentity(ctx context.Context, id string, ch account.IdentityChange) error {
	set := bson.M{"ethnicity": ch.Ethnicity, "permit_number": ch.PermitNumber, "local_id": ch.LocalID}
	update := bson.M{"$set": set}
	if ch.Staged != nil {
		set["staged"] = ch.Staged
	} else {
		update["$unset"] = bson.M{"staged": ""}
	}
	res, err := s.d.DB.Collection(accountsCollection).UpdateOne(ctx, bson.M{"_id": id, "archived_at": nil}, update)
	if err != nil {
		return err
	}
	if res.MatchedCount == 0 {
		return account.ErrNotFound
	}
	return nil
}

// ApplyStaged implements account.Store. The staged values come from the caller, who read them
// with the change's time; the filter on that time makes the step apply exactly what was read.
func (s *Accounts) ApplyStaged(ctx context.Context, id string, st account.StagedIdentity) (bool, error) {
	res, err := s.d.DB.Collection(accountsCollection).UpdateOne(ctx,
		bson.M{"_id": id, "archived_at": nil, "staged.at": st.At},
		bson.M{"$set": bson.M{"name": st.Name, "validity_term": st.ValidityTerm, "valid_from": st.ValidFrom,
			"valid_until": st.ValidUntil}, "$unset": bson.M{"staged": ""}})
	if err != nil {
		return false, err
	}
	return res.ModifiedCount == 1, nil
}

// LinkMoE implements account.Store.
func (s *Accounts) LinkMoE(ctx context.Context, id, subject string) (bool, error) {
	res, err := s.d.DB.Collection(accountsCollection).UpdateOne(ctx,
		bson.M{"_id": id, "archived_at": nil, "$or": bson.A{
			bson.M{"moe_subject": bson.M{"$exists": false}}, bson.M{"moe_subject": ""}, bson.M{"moe_subject": subject}}},
		bson.M{"$set": bson.M{"moe_subject": subject}})
	if err != nil {
		return false, err
	}
	return res.MatchedCount == 1, nil
}
