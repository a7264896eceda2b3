package mongo

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"jszg/wechat/accesstoken"
	"jszg/wechat/binding"
	"jszg/wechat/notice"
	"jszg/wechat/scene"
)

// The WeChat collections.
const (
	wechatTokensCollection   = "wechat_access_tokens"
	wechatBindingsCollection = "wechat_bindings"
	wechatScenesCollection   = "wechat_scenes"
	wechatPushesCollection   = "wechat_pushes"
	wechatNoticesCollection  = "wechat_notices"
	wechatStatesCollection   = "wechat_oauth_states"
)

func init() {
	setup(func(ctx context.Context, d *DB) error {
		for _, c := range []struct {
			coll string
			idx  []index
		}{
			{wechatBindingsCollection, []index{{name: "openid_unique", keys: bson.D{{Key: "openid", Value: 1}}, unique: true}}},
			{wechatScenesCollection, []index{{name: "purge_at_ttl", keys: bson.D{{Key: "purge_at", Value: 1}}, ttl: true}}},
			{wechatPushesCollection, []index{{name: "expires_at_ttl", keys: bson.D{{Key: "expires_at", Value: 1}}, ttl: true}}},
			{wechatNoticesCollection, []index{
				{name: "account_created", keys: bson.D{{Key: "account_id", Value: 1}, {Key: "created_at", Value: -1}}},
				{name: "purge_at_ttl", keys: bson.D{{Key: "purge_at", Value: 1}}, ttl: true},
			}},
			{wechatStatesCollection, []index{{name: "expires_at_ttl", keys: bson.D{{Key: "expires_at", Value: 1}}, ttl: true}}},
		} {
			if err := d.ensureIndexes(ctx, c.coll, c.idx...); err != nil {
				return err
			}
		}
		return nil
	})
}

// WeChatTokens is the accesstoken.Store: one document per AppID.
type WeChatTokens struct{ d *DB }

// WeChatTokens returns the shared access tokens.
func (d *DB) WeChatTokens() *WeChatTokens { return &WeChatTokens{d} }

type tokenDoc struct {
	AppID      string    `bson:"_id"`
	Token      string    `bson:"token"`
	ExpiresAt  time.Time `bson:"expires_at"`
	RefreshAt  time.Time `bson:"refresh_at"`
	FetchedAt  time.Time `bson:"fetched_at"`
	Gen        int64     `bson:"gen"`
	LeaseUntil time.Time `bson:"lease_until"`
	LeaseOwner string    `bson:"lease_owner"`
}

// Get implements accesstoken.Store.
func (s *WeChatTokens) Get(ctx context.Context, appID string) (accesstoken.Token, error) {
	var r tokenDoc
	err := s.d.DB.Collection(wechatTokensCollection).FindOne(ctx, bson.M{"_id": appID}).Decode(&r)
	if notFound(err) {
		return accesstoken.Token{}, accesstoken.ErrNotFound
	}
	if err != nil {
		return accesstoken.Token{}, err
	}
	return accesstoken.Token{AppID: r.AppID, Token: r.Token, ExpiresAt: r.ExpiresAt, RefreshAt: r.RefreshAt,
		FetchedAt: r.FetchedAt, Gen: r.Gen, LeaseUntil: r.LeaseUntil, LeaseOwner: r.LeaseOwner}, nil
}

// Claim implements accesstoken.Store with one conditional upsert: a missing document is created
// with the lease; an existing one that fails the condition makes the upsert's insert collide
// with its _id, which is the refusal.
func (s *WeChatTokens) Claim(ctx context.Context, appID string, gen int64, owner string, now, leaseUntil time.Time) (bool, error) {
	res, err := s.d.DB.Collection(wechatTokensCollection).UpdateOne(ctx,
		bson.M{"_id": appID, "gen": gen, "lease_until": bson.M{"$lte": now}},
		bson.M{
			"$set":         bson.M{"lease_until": leaseUntil, "lease_owner": owner},
			"$setOnInsert": bson.M{"token": "", "expires_at": time.Time{}, "refresh_at": time.Time{}, "fetched_at": time.Time{}},
		},
		options.Update().SetUpsert(true))
	if isDuplicate(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return res.ModifiedCount == 1 || res.UpsertedCount == 1, nil
}

// Release implements accesstoken.Store.
func (s *WeChatTokens) Release(ctx context.Context, appID, owner string) error {
	if owner == "" {
		return nil
	}
	_, err := s.d.DB.Collection(wechatTokensCollection).UpdateOne(ctx, bson.M{"_id": appID, "lease_owner": owner},
		bson.M{"$set": bson.M{"lease_until": time.Time{}, "lease_owner": ""}})
	return err
}

// Put implements accesstoken.Store.
func (s *WeChatTokens) Put(ctx context.Context, appID, owner string, t accesstoken.Token) error {
	if owner == "" {
		return nil
	}
	_, err := s.d.DB.Collection(wechatTokensCollection).UpdateOne(ctx, bson.M{"_id": appID, "lease_owner": owner}, bson.M{
		"$set": bson.M{
			"token": t.Token, "fetched_at": t.FetchedAt, "expires_at": t.ExpiresAt, "refresh_at": t.RefreshAt,
			"lease_until": time.Time{}, "lease_owner": "",
		},
		"$inc": bson.M{"gen": 1},
	})
	return err
}

// Invalidate implements accesstoken.Store.
func (s *WeChatTokens) Invalidate(ctx context.Context, appID, token string) error {
	_, err := s.d.DB.Collection(wechatTokensCollection).UpdateOne(ctx, bson.M{"_id": appID, "token": token},
		bson.M{"$set": bson.M{"refresh_at": time.Time{}, "expires_at": time.Time{}}})
	return err
}

// WeChatBindings is the binding.Store: the account id is the _id, the openid has a unique index.
type WeChatBindings struct{ d *DB }

// WeChatBindings returns the bindings.
func (d *DB) WeChatBindings() *WeChatBindings { return &WeChatBindings{d} }

type bindingDoc struct {
	AccountID    string    `bson:"_id"`
	OpenID       string    `bson:"openid"`
	Via          string    `bson:"via"`
	BoundAt      time.Time `bson:"bound_at"`
	Followed     bool      `bson:"followed"`
	UnfollowedAt time.Time `bson:"unfollowed_at"`
}

// Insert implements binding.Store.
func (s *WeChatBindings) Insert(ctx context.Context, b binding.Binding) error {
	_, err := s.d.DB.Collection(wechatBindingsCollection).InsertOne(ctx, bindingDoc(b))
	if isDuplicate(err) {
		return binding.ErrExists
	}
	return err
}

// Delete implements binding.Store.
func (s *WeChatBindings) Delete(ctx context.Context, accountID string) error {
	res, err := s.d.DB.Collection(wechatBindingsCollection).DeleteOne(ctx, bson.M{"_id": accountID})
	if err != nil {
		return err
	}
	if res.DeletedCount == 0 {
		return binding.ErrNotBound
	}
	return nil
}

// ByAccount implements binding.Store.
func (s *WeChatBindings) ByAccount(ctx context.Context, accountID string) (*binding.Binding, error) {
	return s.one(ctx, bson.M{"_id": accountID})
}

// ByOpenID implements binding.Store.
func (s *WeChatBindings) ByOpenID(ctx context.Context, openid string) (*binding.Binding, error) {
	return s.one(ctx, bson.M{"openid": openid})
}

func (s *WeChatBindings) one(ctx context.Context, filter bson.M) (*binding.Binding, error) {
	var r bindingDoc
	err := s.d.DB.Collection(wechatBindingsCollection).FindOne(ctx, filter).Decode(&r)
	if notFound(err) {
		return nil, binding.ErrNotBound
	}
	if err != nil {
		return nil, err
	}
	b := binding.Binding(r)
	b.BoundAt, b.UnfollowedAt = utc(b.BoundAt), utc(b.UnfollowedAt)
	return &b, nil
}

// SetFollowed implements binding.Store.
func (s *WeChatBindings) SetFollowed(ctx context.Context, openid string, followed bool, when time.Time) error {
	if followed {
		when = time.Time{}
	}
	_, err := s.d.DB.Collection(wechatBindingsCollection).UpdateOne(ctx, bson.M{"openid": openid},
		bson.M{"$set": bson.M{"followed": followed, "unfollowed_at": when}})
	return err
}

// WeChatScenes is the scene.Store: one document per scene, changed only by conditional updates.
type WeChatScenes struct{ d *DB }

// WeChatScenes returns the QR scenes.
func (d *DB) WeChatScenes() *WeChatScenes { return &WeChatScenes{d} }

type sceneDoc struct {
	ID        string    `bson:"_id"`
	Purpose   string    `bson:"purpose"`
	AccountID string    `bson:"account_id"`
	Status    string    `bson:"status"`
	OpenID    string    `bson:"openid"`
	Reason    string    `bson:"reason"`
	QR        []byte    `bson:"qr,omitempty"`
	CreatedAt time.Time `bson:"created_at"`
	ExpiresAt time.Time `bson:"expires_at"`
	CodeAt    time.Time `bson:"code_at"`
	PurgeAt   time.Time `bson:"purge_at"`
}

func (r *sceneDoc) scene() *scene.Scene {
	sc := scene.Scene(*r)
	sc.CreatedAt, sc.ExpiresAt, sc.CodeAt, sc.PurgeAt = utc(sc.CreatedAt), utc(sc.ExpiresAt), utc(sc.CodeAt), utc(sc.PurgeAt)
	return &sc
}

// Insert implements scene.Store.
func (s *WeChatScenes) Insert(ctx context.Context, sc *scene.Scene) error {
	_, err := s.d.DB.Collection(wechatScenesCollection).InsertOne(ctx, sceneDoc(*sc))
	return err
}

// Get implements scene.Store.
func (s *WeChatScenes) Get(ctx context.Context, id string, withQR bool) (*scene.Scene, error) {
	o := options.FindOne()
	if !withQR {
		o.SetProjection(bson.M{"qr": 0})
	}
	var r sceneDoc
	err := s.d.DB.Collection(wechatScenesCollection).FindOne(ctx, bson.M{"_id": id}, o).Decode(&r)
	if notFound(err) {
		return nil, scene.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return r.scene(), nil
}

// Claim implements scene.Store with one find-and-modify.
func (s *WeChatScenes) Claim(ctx context.Context, id, openid string, now time.Time) (*scene.Scene, error) {
	// No projection: FerretDB does not take one in findAndModify; the image is dropped here.
	var r sceneDoc
	err := s.d.DB.Collection(wechatScenesCollection).FindOneAndUpdate(ctx, bson.M{
		"_id":        id,
		"expires_at": bson.M{"$gt": now},
		"status":     bson.M{"$in": bson.A{scene.StatusWaiting, scene.StatusCodeSent}},
		"openid":     bson.M{"$in": bson.A{"", openid}},
	}, bson.M{"$set": bson.M{"openid": openid}},
		options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&r)
	if notFound(err) {
		return nil, scene.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	r.QR = nil
	return r.scene(), nil
}

// Release implements scene.Store.
func (s *WeChatScenes) Release(ctx context.Context, id, openid string) error {
	_, err := s.d.DB.Collection(wechatScenesCollection).UpdateOne(ctx,
		bson.M{"_id": id, "openid": openid, "status": scene.StatusWaiting},
		bson.M{"$set": bson.M{"openid": ""}})
	return err
}

// CodeSent implements scene.Store.
func (s *WeChatScenes) CodeSent(ctx context.Context, id, openid string, now time.Time) (bool, error) {
	if openid == "" {
		return false, nil
	}
	res, err := s.d.DB.Collection(wechatScenesCollection).UpdateOne(ctx,
		bson.M{"_id": id, "openid": openid, "code_at": bson.M{"$lt": now}},
		bson.M{"$set": bson.M{"status": scene.StatusCodeSent, "code_at": now}})
	if err != nil {
		return false, err
	}
	return res.ModifiedCount == 1, nil
}

// Settle implements scene.Store.
func (s *WeChatScenes) Settle(ctx context.Context, id, openid, status, reason string) error {
	if openid == "" {
		return nil
	}
	_, err := s.d.DB.Collection(wechatScenesCollection).UpdateOne(ctx,
		bson.M{"_id": id, "openid": openid, "status": scene.StatusWaiting},
		bson.M{"$set": bson.M{"status": status, "reason": reason}})
	return err
}

// Registered implements scene.Store.
func (s *WeChatScenes) Registered(ctx context.Context, id, openid, accountID string) error {
	if openid == "" {
		return nil
	}
	_, err := s.d.DB.Collection(wechatScenesCollection).UpdateOne(ctx, bson.M{"_id": id, "openid": openid},
		bson.M{"$set": bson.M{"status": scene.StatusBound, "account_id": accountID}})
	return err
}

// WeChatPushes is the callback.Store.
type WeChatPushes struct{ d *DB }

// WeChatPushes returns the remembered push identities.
func (d *DB) WeChatPushes() *WeChatPushes { return &WeChatPushes{d} }

// Claim implements callback.Store with one conditional upsert: a missing identity is inserted,
// an expired one renewed, and a live one makes the upsert's insert collide with its _id.
func (s *WeChatPushes) Claim(ctx context.Context, id string, now, until time.Time) (bool, error) {
	res, err := s.d.DB.Collection(wechatPushesCollection).UpdateOne(ctx,
		bson.M{"_id": id, "expires_at": bson.M{"$lte": now}},
		bson.M{"$set": bson.M{"expires_at": until}},
		options.Update().SetUpsert(true))
	if isDuplicate(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return res.ModifiedCount == 1 || res.UpsertedCount == 1, nil
}

// Forget implements callback.Store.
func (s *WeChatPushes) Forget(ctx context.Context, id string) error {
	_, err := s.d.DB.Collection(wechatPushesCollection).DeleteOne(ctx, bson.M{"_id": id})
	return err
}

// WeChatNotices is the notice.Store.
type WeChatNotices struct{ d *DB }

// WeChatNotices returns the template-message records.
func (d *DB) WeChatNotices() *WeChatNotices { return &WeChatNotices{d} }

type noticeDoc struct {
	ID         string    `bson:"_id"`
	AccountID  string    `bson:"account_id"`
	TemplateID string    `bson:"template_id"`
	Kind       string    `bson:"kind"`
	Result     string    `bson:"result"`
	ErrCode    int       `bson:"errcode"`
	Attempts   int       `bson:"attempts"`
	MsgID      int64     `bson:"msg_id"`
	CreatedAt  time.Time `bson:"created_at"`
	PurgeAt    time.Time `bson:"purge_at"`
}

// Add implements notice.Store.
func (s *WeChatNotices) Add(ctx context.Context, r notice.Record) error {
	_, err := s.d.DB.Collection(wechatNoticesCollection).InsertOne(ctx, noticeDoc(r))
	return err
}

// History implements notice.Store.
func (s *WeChatNotices) History(ctx context.Context, accountID string, now time.Time, limit int) ([]notice.Record, error) {
	cur, err := s.d.DB.Collection(wechatNoticesCollection).Find(ctx,
		bson.M{"account_id": accountID, "purge_at": bson.M{"$gt": now}},
		options.Find().SetSort(bson.D{{Key: "created_at", Value: -1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, err
	}
	var docs []noticeDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	out := make([]notice.Record, 0, len(docs))
	for _, d := range docs {
		r := notice.Record(d)
		r.CreatedAt, r.PurgeAt = utc(r.CreatedAt), utc(r.PurgeAt)
		out = append(out, r)
	}
	return out, nil
}

// WeChatOAuthStates is the wechat.OAuthStates store.
type WeChatOAuthStates struct{ d *DB }

// WeChatOAuthStates returns the OAuth states.
func (d *DB) WeChatOAuthStates() *WeChatOAuthStates { return &WeChatOAuthStates{d} }

// Put implements wechat.OAuthStates.
func (s *WeChatOAuthStates) Put(ctx context.Context, state, accountID string, expiresAt time.Time) error {
	_, err := s.d.DB.Collection(wechatStatesCollection).InsertOne(ctx,
		bson.M{"_id": state, "account_id": accountID, "expires_at": expiresAt})
	return err
}

// Take implements wechat.OAuthStates with one find-and-delete: a state is used once.
func (s *WeChatOAuthStates) Take(ctx context.Context, state string, now time.Time) (string, bool, error) {
	var r struct {
		AccountID string    `bson:"account_id"`
		ExpiresAt time.Time `bson:"expires_at"`
	}
	err := s.d.DB.Collection(wechatStatesCollection).FindOneAndDelete(ctx, bson.M{"_id": state}).Decode(&r)
	if notFound(err) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	return r.AccountID, now.Before(r.ExpiresAt), nil
}

// utc is a stored time as the stores return it: in UTC, the zero time for the zero date.
func utc(t time.Time) time.Time {
	if t.IsZero() || t.Unix() <= (time.Time{}).Unix() {
		return time.Time{}
	}
	return t.UTC()
}
