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

// SetRealName implements account.Store with one conditional update.
func (s *Accounts) SetRealName(ctx context.Context, id string, from []string, to string) (bool, error) {
	if len(from) == 0 {
		return false, nil
	}
	res, err := s.d.DB.Collection(accountsCollection).UpdateOne(ctx,
		bson.M{"_id": id, "archived_at": nil, "real_name": bson.M{"$in": from}},
		bson.M{"$set": bson.M{"real_name": to}})
	if err != nil {
		return false, err
	}
	return res.ModifiedCount == 1 || (res.MatchedCount == 1 && contains(from, to)), nil
}

// SetContact implements account.Store.
func (s *Accounts) SetContact(ctx context.Context, id, phone, email string) error {
	res, err := s.d.DB.Collection(accountsCollection).UpdateOne(ctx, bson.M{"_id": id, "archived_at": nil},
		bson.M{"$set": bson.M{"phone": phone, "email": email}})
	if err != nil {
		return err
	}
	if res.MatchedCount == 0 {
		return account.ErrNotFound
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
