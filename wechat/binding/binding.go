// Package binding links an account to the openid of one WeChat user of the service account
// (绑定): one openid binds one account and one account binds one openid, both held by unique
// indexes (the account id is the document id, the openid has a unique index), so two concurrent
// binds can never both succeed. Rule on unfollowing: the binding stays, marked unfollowed with the
// time, because an openid never changes for the service account and the user may follow again
// (which clears the mark); while unfollowed, WeChat refuses template messages, so notices go by
// SMS instead. Only what the flows need is kept: no nickname, avatar or other WeChat profile data.
package binding

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"

	"jszg/server/clock"
	"jszg/server/store"
)

const collection = "wechat_bindings"

// How an account came to be bound.
const (
	ViaScan         = "scan"         // scanned a binding QR code in the personal centre
	ViaOAuth        = "oauth"        // snsapi_base authorization inside WeChat
	ViaRegistration = "registration" // scanned for the registration code
)

// Refusals.
var (
	ErrOpenIDTaken  = errors.New("this WeChat user is bound to another account")
	ErrAccountBound = errors.New("this account is bound to another WeChat user")
	ErrNotBound     = errors.New("not bound")
)

// Binding is one account's link to WeChat.
type Binding struct {
	AccountID string    `bson:"_id"`
	OpenID    string    `bson:"openid"`
	Via       string    `bson:"via"`
	BoundAt   time.Time `bson:"bound_at"`
	Followed  bool      `bson:"followed"`
	// UnfollowedAt is when the user last unfollowed (zero while following).
	UnfollowedAt time.Time `bson:"unfollowed_at,omitempty"`
}

// Bindings is the store of bindings.
type Bindings struct {
	c   *mongo.Collection
	st  *store.Store
	clk clock.Clock
}

// New returns the bindings kept in st.
func New(st *store.Store, clk clock.Clock) *Bindings {
	return &Bindings{c: st.DB.Collection(collection), st: st, clk: clk}
}

// EnsureIndexes creates the unique index on openid.
func (b *Bindings) EnsureIndexes(ctx context.Context) error {
	return b.st.EnsureIndexes(ctx, collection, store.Index{Keys: bson.D{{Key: "openid", Value: 1}}, Unique: true})
}

// Bind links accountID to openid. Binding the same pair again succeeds (and records a follow when
// followed). It returns ErrAccountBound or ErrOpenIDTaken when either side is already linked
// elsewhere.
func (b *Bindings) Bind(ctx context.Context, accountID, openid, via string, followed bool) error {
	if accountID == "" || openid == "" {
		return errors.New("bind: account and openid are required")
	}
	_, err := b.c.InsertOne(ctx, Binding{AccountID: accountID, OpenID: openid, Via: via, BoundAt: b.clk.Now(), Followed: followed})
	if err == nil {
		return nil
	}
	if !store.IsDuplicateKey(err) {
		return fmt.Errorf("bind: %w", err)
	}
	cur, gerr := b.Get(ctx, accountID)
	switch {
	case errors.Is(gerr, ErrNotBound):
		return ErrOpenIDTaken
	case gerr != nil:
		return gerr
	case cur.OpenID != openid:
		return ErrAccountBound
	}
	if followed && !cur.Followed {
		return b.SetFollowed(ctx, openid, true)
	}
	return nil
}

// Unbind removes the account's binding; ErrNotBound when there was none.
func (b *Bindings) Unbind(ctx context.Context, accountID string) error {
	res, err := b.c.DeleteOne(ctx, bson.M{"_id": accountID})
	if err != nil {
		return fmt.Errorf("unbind: %w", err)
	}
	if res.DeletedCount == 0 {
		return ErrNotBound
	}
	return nil
}

// Get returns the account's binding, or ErrNotBound.
func (b *Bindings) Get(ctx context.Context, accountID string) (*Binding, error) {
	return b.find(ctx, bson.M{"_id": accountID})
}

// ByOpenID returns the binding of openid, or ErrNotBound.
func (b *Bindings) ByOpenID(ctx context.Context, openid string) (*Binding, error) {
	return b.find(ctx, bson.M{"openid": openid})
}

func (b *Bindings) find(ctx context.Context, filter bson.M) (*Binding, error) {
	var r Binding
	err := b.c.FindOne(ctx, filter).Decode(&r)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, ErrNotBound
	}
	if err != nil {
		return nil, fmt.Errorf("load binding: %w", err)
	}
	return &r, nil
}

// SetFollowed records a follow or an unfollow of openid on its binding (nothing when unbound:
// the follow state of WeChat users without an account is not kept).
func (b *Bindings) SetFollowed(ctx context.Context, openid string, followed bool) error {
	set := bson.M{"followed": followed}
	upd := bson.M{"$set": set}
	if followed {
		upd["$unset"] = bson.M{"unfollowed_at": ""}
	} else {
		set["unfollowed_at"] = b.clk.Now()
	}
	if _, err := b.c.UpdateOne(ctx, bson.M{"openid": openid}, upd); err != nil {
		return fmt.Errorf("record follow: %w", err)
	}
	return nil
}

// MaskOpenID shows the first and last 4 characters of an openid: enough for the owner to tell
// two bindings apart, too little to be used elsewhere.
func MaskOpenID(s string) string {
	if len(s) <= 8 {
		return "****"
	}
	return s[:4] + "****" + s[len(s)-4:]
}
