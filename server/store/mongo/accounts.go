package mongo

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"jszg/server/account"
)

// A document number is unique among the live accounts holding it. MongoDB's partial indexes would
// say that directly, but not every engine speaking its protocol has them, so the rule is a unique
// index on the plain field live_key: the number's blind index while the account holds it,
// "pending:<id>" while it waits over a legacy account for verification, "archived:<id>" once
// archived. Personal information is sealed (package pii); doc_key and phone_key are the blind
// indexes lookups use, pii_key the key that sealed the document (rotate-keys looks for others).
const accountsCollection = "accounts"

func init() {
	setup(func(ctx context.Context, d *DB) error {
		return d.ensureIndexes(ctx, accountsCollection,
			index{name: "live_key_unique", keys: bson.D{{Key: "live_key", Value: 1}}, unique: true},
			index{name: "doc_key", keys: bson.D{{Key: "doc_key", Value: 1}}},
			index{name: "phone_key", keys: bson.D{{Key: "phone_key", Value: 1}}},
			index{name: "pii_key", keys: bson.D{{Key: "pii_key", Value: 1}}},
		)
	})
}

type accountDoc struct {
	account.Account `bson:",inline"`
	LiveKey         string `bson:"live_key"`
	DocKey          string `bson:"doc_key"`
	PhoneKey        string `bson:"phone_key"`
	KeyID           string `bson:"pii_key"`
}

func liveKey(a *account.Sealed) string {
	switch {
	case a.ArchivedAt != nil:
		return "archived:" + a.ID
	case a.Supersedes != "":
		return "pending:" + a.ID
	}
	return a.DocKey
}

// Accounts is the account.Store.
type Accounts struct{ d *DB }

// Accounts returns the accounts.
func (d *DB) Accounts() *Accounts { return &Accounts{d} }

// Create implements account.Store.
func (s *Accounts) Create(ctx context.Context, plain *account.Account) error {
	a, err := account.Seal(s.d.pii, plain)
	if err != nil {
		return err
	}
	_, err = s.d.DB.Collection(accountsCollection).InsertOne(ctx, accountDoc{a.Account, liveKey(a), a.DocKey, a.PhoneKey, a.KeyID})
	if isDuplicate(err) {
		return account.ErrTaken
	}
	if err != nil {
		return fmt.Errorf("insert account: %w", err)
	}
	return nil
}

func (s *Accounts) index(kind, v string) (string, error) {
	if s.d.pii == nil {
		return "", account.ErrNoKeys
	}
	return s.d.pii.Index(kind, v), nil
}

// ByDocNumber implements account.Store.
func (s *Accounts) ByDocNumber(ctx context.Context, docNumber string) (*account.Account, error) {
	key, err := s.index(account.IndexDocNumber, docNumber)
	if err != nil {
		return nil, err
	}
	return s.one(ctx, bson.M{"live_key": key})
}

// Candidates implements account.Store.
func (s *Accounts) Candidates(ctx context.Context, docNumber string) ([]*account.Account, error) {
	key, err := s.index(account.IndexDocNumber, docNumber)
	if err != nil {
		return nil, err
	}
	return s.list(ctx, bson.M{"doc_key": key, "archived_at": nil}, 20)
}

// ByPhone implements account.Store.
func (s *Accounts) ByPhone(ctx context.Context, phone string) ([]*account.Account, error) {
	key, err := s.index(account.IndexPhone, phone)
	if err != nil {
		return nil, err
	}
	return s.list(ctx, bson.M{"phone_key": key, "archived_at": nil}, 100)
}

// ByID implements account.Store.
func (s *Accounts) ByID(ctx context.Context, id string) (*account.Account, error) {
	return s.one(ctx, bson.M{"_id": id, "archived_at": nil})
}

func (s *Accounts) one(ctx context.Context, filter bson.M) (*account.Account, error) {
	var d accountDoc
	err := s.d.DB.Collection(accountsCollection).FindOne(ctx, filter).Decode(&d)
	if notFound(err) {
		return nil, account.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load account: %w", err)
	}
	if err := account.Open(s.d.pii, &d.Account, d.KeyID); err != nil {
		return nil, fmt.Errorf("open account %s: %w", d.ID, err)
	}
	return &d.Account, nil
}

func (s *Accounts) list(ctx context.Context, filter bson.M, limit int64) ([]*account.Account, error) {
	cur, err := s.d.DB.Collection(accountsCollection).Find(ctx, filter,
		options.Find().SetSort(bson.D{{Key: "created_at", Value: 1}, {Key: "_id", Value: 1}}).SetLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("load accounts: %w", err)
	}
	var docs []accountDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("load accounts: %w", err)
	}
	out := make([]*account.Account, 0, len(docs))
	for i := range docs {
		if err := account.Open(s.d.pii, &docs[i].Account, docs[i].KeyID); err != nil {
			return nil, fmt.Errorf("open account %s: %w", docs[i].ID, err)
		}
		out = append(out, &docs[i].Account)
	}
	return out, nil
}

// Archive implements account.Store.
func (s *Accounts) Archive(ctx context.Context, id, docNumber string, createdBefore, now time.Time) (bool, error) {
	key, err := s.index(account.IndexDocNumber, docNumber)
	if err != nil {
		return false, err
	}
	res, err := s.d.DB.Collection(accountsCollection).UpdateOne(ctx,
		bson.M{"_id": id, "doc_key": key, "archived_at": nil, "created_at": bson.M{"$lt": createdBefore}},
		bson.M{"$set": bson.M{"live_key": "archived:" + id, "archived_at": now}})
	if err != nil {
		return false, err
	}
	return res.ModifiedCount == 1, nil
}

// Promote implements account.Store: the account takes the number's blind index as its live key,
// which the unique index refuses while another account holds it.
func (s *Accounts) Promote(ctx context.Context, id string) error {
	var d accountDoc
	coll := s.d.DB.Collection(accountsCollection)
	if err := coll.FindOne(ctx, bson.M{"_id": id, "archived_at": nil}).Decode(&d); notFound(err) {
		return account.ErrNotFound
	} else if err != nil {
		return err
	}
	res, err := coll.UpdateOne(ctx, bson.M{"_id": id, "archived_at": nil},
		bson.M{"$set": bson.M{"live_key": d.DocKey}, "$unset": bson.M{"supersedes": ""}})
	if isDuplicate(err) {
		return account.ErrTaken
	}
	if err != nil {
		return err
	}
	if res.MatchedCount != 1 {
		return account.ErrNotFound
	}
	return nil
}

// SetPasswordHash implements account.Store.
func (s *Accounts) SetPasswordHash(ctx context.Context, id, hash string) error {
	_, err := s.d.DB.Collection(accountsCollection).UpdateOne(ctx, bson.M{"_id": id, "archived_at": nil},
		bson.M{"$set": bson.M{"password_hash": hash}})
	return err
}

// seal seals one personal field of account id with the current key.
func (s *Accounts) seal(id, field, v string) (string, error) {
	if s.d.pii == nil {
		return "", account.ErrNoKeys
	}
	return s.d.pii.Seal(v, id, field)
}

// SetPhone implements account.Store: the sealed phone and its blind index change together.
func (s *Accounts) SetPhone(ctx context.Context, id, phone string) error {
	sealed, err := s.seal(id, "phone", phone)
	if err != nil {
		return err
	}
	_, err = s.d.DB.Collection(accountsCollection).UpdateOne(ctx, bson.M{"_id": id, "archived_at": nil},
		bson.M{"$set": bson.M{"phone": sealed, "phone_key": s.d.pii.Index(account.IndexPhone, phone)}})
	return err
}

// SetIdentity implements account.Store.
func (s *Accounts) SetIdentity(ctx context.Context, id string, ch account.IdentityChange) error {
	permit, err := s.seal(id, "permit_number", ch.PermitNumber)
	if err != nil {
		return err
	}
	local, err := s.seal(id, "local_id", ch.LocalID)
	if err != nil {
		return err
	}
	set := bson.M{"ethnicity": ch.Ethnicity, "permit_number": permit, "local_id": local}
	update := bson.M{"$set": set}
	if ch.Staged != nil {
		st := *ch.Staged
		if st.Name, err = s.seal(id, account.FieldStagedName, st.Name); err != nil {
			return err
		}
		set["staged"] = st
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
	sealedPhone, err := s.seal(id, "phone", phone)
	if err != nil {
		return err
	}
	sealedEmail, err := s.seal(id, "email", email)
	if err != nil {
		return err
	}
	res, err := s.d.DB.Collection(accountsCollection).UpdateOne(ctx, bson.M{"_id": id, "archived_at": nil},
		bson.M{"$set": bson.M{"phone": sealedPhone, "phone_key": s.d.pii.Index(account.IndexPhone, phone), "email": sealedEmail}})
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
// The name is sealed again as the account's name, since a sealed value is bound to its field.
func (s *Accounts) ApplyStaged(ctx context.Context, id string, st account.StagedIdentity) (bool, error) {
	name, err := s.seal(id, "name", st.Name)
	if err != nil {
		return false, err
	}
	res, err := s.d.DB.Collection(accountsCollection).UpdateOne(ctx,
		bson.M{"_id": id, "archived_at": nil, "staged.at": st.At},
		bson.M{"$set": bson.M{"name": name, "validity_term": st.ValidityTerm, "valid_from": st.ValidFrom,
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

// Reseal implements account.Resealer: each document is rewritten by one conditional update that
// matches the sealed values read, so a change made meanwhile is never overwritten.
func (s *Accounts) Reseal(ctx context.Context, batch int) (int, error) {
	if s.d.pii == nil {
		return 0, account.ErrNoKeys
	}
	return s.reseal(ctx, bson.M{"pii_key": bson.M{"$ne": s.d.pii.Current()}}, batch)
}

// ResealPlain implements account.Resealer.
func (s *Accounts) ResealPlain(ctx context.Context, batch int) (int, error) {
	return s.reseal(ctx, bson.M{"pii_key": bson.M{"$exists": false}}, batch)
}

func (s *Accounts) reseal(ctx context.Context, which bson.M, batch int) (int, error) {
	k := s.d.pii
	if k == nil {
		return 0, account.ErrNoKeys
	}
	coll := s.d.DB.Collection(accountsCollection)
	cur, err := coll.Find(ctx, which, options.Find().SetLimit(int64(batch)))
	if err != nil {
		return 0, err
	}
	var docs []accountDoc
	if err := cur.All(ctx, &docs); err != nil {
		return 0, err
	}
	n := 0
	for _, o := range docs {
		plain := o.Account
		if err := account.Open(k, &plain, o.KeyID); err != nil {
			return n, fmt.Errorf("open account %s: %w", o.ID, err)
		}
		a, err := account.Seal(k, &plain)
		if err != nil {
			return n, err
		}
		set := bson.M{"doc_number": a.DocNumber, "name": a.Name, "permit_number": a.PermitNumber, "local_id": a.LocalID,
			"email": a.Email, "phone": a.Phone, "doc_key": a.DocKey, "phone_key": a.PhoneKey, "pii_key": a.KeyID,
			"live_key": liveKey(a)}
		if a.Staged != nil {
			set["staged.name"] = a.Staged.Name
		}
		filter := bson.M{"_id": o.ID, "doc_number": o.DocNumber, "phone": o.Phone, "email": o.Email, "name": o.Name}
		if o.KeyID == "" {
			filter["pii_key"] = bson.M{"$exists": false}
		} else {
			filter["pii_key"] = o.KeyID
		}
		res, err := coll.UpdateOne(ctx, filter, bson.M{"$set": set})
		if err != nil {
			return n, fmt.Errorf("reseal account %s: %w", o.ID, err)
		}
		n += int(res.ModifiedCount)
	}
	return n, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
