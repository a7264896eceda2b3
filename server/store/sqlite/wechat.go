package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"jszg/wechat/accesstoken"
	"jszg/wechat/binding"
	"jszg/wechat/notice"
	"jszg/wechat/scene"
)

// The WeChat tables. A scene keeps its QR image (a PNG of about a kilobyte), so scenes are a
// rowid table; the others are small rows keyed by their id.
const wechatSchema = `
CREATE TABLE wechat_access_tokens (
	app_id      TEXT PRIMARY KEY,
	token       TEXT NOT NULL DEFAULT '',
	expires_at  INTEGER NOT NULL DEFAULT 0,
	refresh_at  INTEGER NOT NULL DEFAULT 0,
	fetched_at  INTEGER NOT NULL DEFAULT 0,
	gen         INTEGER NOT NULL DEFAULT 0,
	lease_until INTEGER NOT NULL DEFAULT 0,
	lease_owner TEXT NOT NULL DEFAULT ''
) STRICT, WITHOUT ROWID;

CREATE TABLE wechat_bindings (
	account_id    TEXT PRIMARY KEY,
	openid        TEXT NOT NULL,
	via           TEXT NOT NULL,
	bound_at      INTEGER NOT NULL,
	followed      INTEGER NOT NULL,
	unfollowed_at INTEGER NOT NULL DEFAULT 0
) STRICT, WITHOUT ROWID;
CREATE UNIQUE INDEX wechat_bindings_openid ON wechat_bindings (openid);

CREATE TABLE wechat_scenes (
	id         TEXT PRIMARY KEY,
	purpose    TEXT NOT NULL,
	account_id TEXT NOT NULL DEFAULT '',
	status     TEXT NOT NULL,
	openid     TEXT NOT NULL DEFAULT '',
	reason     TEXT NOT NULL DEFAULT '',
	qr         BLOB,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	code_at    INTEGER NOT NULL DEFAULT 0,
	purge_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX wechat_scenes_purge_at ON wechat_scenes (purge_at);

CREATE TABLE wechat_pushes (
	id         TEXT PRIMARY KEY,
	expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX wechat_pushes_expires_at ON wechat_pushes (expires_at);

CREATE TABLE wechat_notices (
	id          TEXT PRIMARY KEY,
	account_id  TEXT NOT NULL,
	template_id TEXT NOT NULL,
	kind        TEXT NOT NULL DEFAULT '',
	result      TEXT NOT NULL,
	errcode     INTEGER NOT NULL DEFAULT 0,
	attempts    INTEGER NOT NULL,
	msg_id      INTEGER NOT NULL DEFAULT 0,
	created_at  INTEGER NOT NULL,
	purge_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX wechat_notices_account ON wechat_notices (account_id, created_at DESC);
CREATE INDEX wechat_notices_purge_at ON wechat_notices (purge_at);

CREATE TABLE wechat_oauth_states (
	state      TEXT PRIMARY KEY,
	account_id TEXT NOT NULL,
	expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX wechat_oauth_states_expires_at ON wechat_oauth_states (expires_at);
`

func init() {
	expires("wechat_scenes", "purge_at")
	expires("wechat_pushes", "expires_at")
	expires("wechat_notices", "purge_at")
	expires("wechat_oauth_states", "expires_at")
}

// WeChatTokens is the accesstoken.Store.
type WeChatTokens struct{ db *DB }

// WeChatTokens returns the shared access tokens.
func (db *DB) WeChatTokens() *WeChatTokens { return &WeChatTokens{db} }

// Get implements accesstoken.Store.
func (s *WeChatTokens) Get(ctx context.Context, appID string) (accesstoken.Token, error) {
	t := accesstoken.Token{AppID: appID}
	var exp, refresh, fetched, lease int64
	err := s.db.r.QueryRowContext(ctx, `SELECT token, expires_at, refresh_at, fetched_at, gen, lease_until, lease_owner
		FROM wechat_access_tokens WHERE app_id = ?`, appID).Scan(&t.Token, &exp, &refresh, &fetched, &t.Gen, &lease, &t.LeaseOwner)
	if errors.Is(err, sql.ErrNoRows) {
		return accesstoken.Token{}, accesstoken.ErrNotFound
	}
	if err != nil {
		return accesstoken.Token{}, err
	}
	t.ExpiresAt, t.RefreshAt, t.FetchedAt, t.LeaseUntil = at(exp), at(refresh), at(fetched), at(lease)
	return t, nil
}

// Claim implements accesstoken.Store with one upsert: the row is created with the lease, or its
// lease taken when the generation and the lapse both hold, by the same statement.
func (s *WeChatTokens) Claim(ctx context.Context, appID string, gen int64, owner string, now, leaseUntil time.Time) (bool, error) {
	var got string
	err := s.db.w.QueryRowContext(ctx, `
		INSERT INTO wechat_access_tokens (app_id, gen, lease_until, lease_owner) VALUES (?, 0, ?, ?)
		ON CONFLICT (app_id) DO UPDATE SET lease_until = excluded.lease_until, lease_owner = excluded.lease_owner
		WHERE gen = ? AND lease_until <= ?
		RETURNING lease_owner`, appID, ms(leaseUntil), owner, gen, ms(now)).Scan(&got)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil && got == owner, err
}

// Release implements accesstoken.Store.
func (s *WeChatTokens) Release(ctx context.Context, appID, owner string) error {
	_, err := s.db.w.ExecContext(ctx, `UPDATE wechat_access_tokens SET lease_until = 0, lease_owner = ''
		WHERE app_id = ? AND lease_owner = ? AND lease_owner != ''`, appID, owner)
	return err
}

// Put implements accesstoken.Store.
func (s *WeChatTokens) Put(ctx context.Context, appID, owner string, t accesstoken.Token) error {
	_, err := s.db.w.ExecContext(ctx, `UPDATE wechat_access_tokens
		SET token = ?, fetched_at = ?, expires_at = ?, refresh_at = ?, gen = gen + 1, lease_until = 0, lease_owner = ''
		WHERE app_id = ? AND lease_owner = ? AND lease_owner != ''`,
		t.Token, ms(t.FetchedAt), ms(t.ExpiresAt), ms(t.RefreshAt), appID, owner)
	return err
}

// Invalidate implements accesstoken.Store.
func (s *WeChatTokens) Invalidate(ctx context.Context, appID, token string) error {
	_, err := s.db.w.ExecContext(ctx, `UPDATE wechat_access_tokens SET expires_at = 0, refresh_at = 0
		WHERE app_id = ? AND token = ?`, appID, token)
	return err
}

// WeChatBindings is the binding.Store.
type WeChatBindings struct{ db *DB }

// WeChatBindings returns the bindings.
func (db *DB) WeChatBindings() *WeChatBindings { return &WeChatBindings{db} }

// Insert implements binding.Store; the primary key and the unique openid index refuse a second
// binding of either side.
func (s *WeChatBindings) Insert(ctx context.Context, b binding.Binding) error {
	_, err := s.db.w.ExecContext(ctx, `INSERT INTO wechat_bindings (account_id, openid, via, bound_at, followed, unfollowed_at)
		VALUES (?, ?, ?, ?, ?, ?)`, b.AccountID, b.OpenID, b.Via, ms(b.BoundAt), boolInt(b.Followed), ms(b.UnfollowedAt))
	if isUnique(err) {
		return binding.ErrExists
	}
	return err
}

// Delete implements binding.Store.
func (s *WeChatBindings) Delete(ctx context.Context, accountID string) error {
	res, err := s.db.w.ExecContext(ctx, `DELETE FROM wechat_bindings WHERE account_id = ?`, accountID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return binding.ErrNotBound
	}
	return nil
}

// ByAccount implements binding.Store.
func (s *WeChatBindings) ByAccount(ctx context.Context, accountID string) (*binding.Binding, error) {
	return s.one(ctx, `account_id = ?`, accountID)
}

// ByOpenID implements binding.Store.
func (s *WeChatBindings) ByOpenID(ctx context.Context, openid string) (*binding.Binding, error) {
	return s.one(ctx, `openid = ?`, openid)
}

func (s *WeChatBindings) one(ctx context.Context, where string, arg string) (*binding.Binding, error) {
	var b binding.Binding
	var bound, unfollowed int64
	err := s.db.r.QueryRowContext(ctx, `SELECT account_id, openid, via, bound_at, followed, unfollowed_at
		FROM wechat_bindings WHERE `+where, arg).Scan(&b.AccountID, &b.OpenID, &b.Via, &bound, &b.Followed, &unfollowed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, binding.ErrNotBound
	}
	if err != nil {
		return nil, err
	}
	b.BoundAt, b.UnfollowedAt = at(bound), at(unfollowed)
	return &b, nil
}

// SetFollowed implements binding.Store.
func (s *WeChatBindings) SetFollowed(ctx context.Context, openid string, followed bool, when time.Time) error {
	unfollowed := ms(when)
	if followed {
		unfollowed = 0
	}
	_, err := s.db.w.ExecContext(ctx, `UPDATE wechat_bindings SET followed = ?, unfollowed_at = ? WHERE openid = ?`,
		boolInt(followed), unfollowed, openid)
	return err
}

// WeChatScenes is the scene.Store.
type WeChatScenes struct{ db *DB }

// WeChatScenes returns the QR scenes.
func (db *DB) WeChatScenes() *WeChatScenes { return &WeChatScenes{db} }

const sceneColumns = `id, purpose, account_id, status, openid, reason, created_at, expires_at, code_at, purge_at`

func scanScene(row interface{ Scan(...any) error }, qr *[]byte) (*scene.Scene, error) {
	var sc scene.Scene
	var created, exp, codeAt, purge int64
	dest := []any{&sc.ID, &sc.Purpose, &sc.AccountID, &sc.Status, &sc.OpenID, &sc.Reason, &created, &exp, &codeAt, &purge}
	if qr != nil {
		dest = append(dest, qr)
	}
	if err := row.Scan(dest...); errors.Is(err, sql.ErrNoRows) {
		return nil, scene.ErrNotFound
	} else if err != nil {
		return nil, err
	}
	sc.CreatedAt, sc.ExpiresAt, sc.CodeAt, sc.PurgeAt = at(created), at(exp), at(codeAt), at(purge)
	return &sc, nil
}

// Insert implements scene.Store.
func (s *WeChatScenes) Insert(ctx context.Context, sc *scene.Scene) error {
	_, err := s.db.w.ExecContext(ctx, `INSERT INTO wechat_scenes (`+sceneColumns+`, qr) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		sc.ID, sc.Purpose, sc.AccountID, sc.Status, sc.OpenID, sc.Reason,
		ms(sc.CreatedAt), ms(sc.ExpiresAt), ms(sc.CodeAt), ms(sc.PurgeAt), sc.QR)
	return err
}

// Get implements scene.Store.
func (s *WeChatScenes) Get(ctx context.Context, id string, withQR bool) (*scene.Scene, error) {
	if !withQR {
		return scanScene(s.db.r.QueryRowContext(ctx, `SELECT `+sceneColumns+` FROM wechat_scenes WHERE id = ?`, id), nil)
	}
	var qr []byte
	sc, err := scanScene(s.db.r.QueryRowContext(ctx, `SELECT `+sceneColumns+`, qr FROM wechat_scenes WHERE id = ?`, id), &qr)
	if sc != nil {
		sc.QR = qr
	}
	return sc, err
}

// Claim implements scene.Store with one conditional UPDATE ... RETURNING.
func (s *WeChatScenes) Claim(ctx context.Context, id, openid string, now time.Time) (*scene.Scene, error) {
	return scanScene(s.db.w.QueryRowContext(ctx, `UPDATE wechat_scenes SET openid = ?
		WHERE id = ? AND expires_at > ? AND status IN (?, ?) AND openid IN ('', ?)
		RETURNING `+sceneColumns, openid, id, ms(now), scene.StatusWaiting, scene.StatusCodeSent, openid), nil)
}

// Release implements scene.Store.
func (s *WeChatScenes) Release(ctx context.Context, id, openid string) error {
	_, err := s.db.w.ExecContext(ctx, `UPDATE wechat_scenes SET openid = '' WHERE id = ? AND openid = ? AND status = ?`,
		id, openid, scene.StatusWaiting)
	return err
}

// CodeSent implements scene.Store.
func (s *WeChatScenes) CodeSent(ctx context.Context, id, openid string, now time.Time) (bool, error) {
	res, err := s.db.w.ExecContext(ctx, `UPDATE wechat_scenes SET status = ?, code_at = ?
		WHERE id = ? AND openid = ? AND openid != '' AND code_at < ?`, scene.StatusCodeSent, ms(now), id, openid, ms(now))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// Settle implements scene.Store.
func (s *WeChatScenes) Settle(ctx context.Context, id, openid, status, reason string) error {
	_, err := s.db.w.ExecContext(ctx, `UPDATE wechat_scenes SET status = ?, reason = ?
		WHERE id = ? AND openid = ? AND openid != '' AND status = ?`, status, reason, id, openid, scene.StatusWaiting)
	return err
}

// Registered implements scene.Store.
func (s *WeChatScenes) Registered(ctx context.Context, id, openid, accountID string) error {
	_, err := s.db.w.ExecContext(ctx, `UPDATE wechat_scenes SET status = ?, account_id = ?
		WHERE id = ? AND openid = ? AND openid != ''`, scene.StatusBound, accountID, id, openid)
	return err
}

// WeChatPushes is the callback.Store.
type WeChatPushes struct{ db *DB }

// WeChatPushes returns the remembered push identities.
func (db *DB) WeChatPushes() *WeChatPushes { return &WeChatPushes{db} }

// Claim implements callback.Store with one upsert that takes over only an expired row.
func (s *WeChatPushes) Claim(ctx context.Context, id string, now, until time.Time) (bool, error) {
	var one int
	err := s.db.w.QueryRowContext(ctx, `INSERT INTO wechat_pushes (id, expires_at) VALUES (?, ?)
		ON CONFLICT (id) DO UPDATE SET expires_at = excluded.expires_at WHERE expires_at <= ?
		RETURNING 1`, id, ms(until), ms(now)).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// Forget implements callback.Store.
func (s *WeChatPushes) Forget(ctx context.Context, id string) error {
	_, err := s.db.w.ExecContext(ctx, `DELETE FROM wechat_pushes WHERE id = ?`, id)
	return err
}

// WeChatNotices is the notice.Store.
type WeChatNotices struct{ db *DB }

// WeChatNotices returns the template-message records.
func (db *DB) WeChatNotices() *WeChatNotices { return &WeChatNotices{db} }

// Add implements notice.Store.
func (s *WeChatNotices) Add(ctx context.Context, r notice.Record) error {
	_, err := s.db.w.ExecContext(ctx, `INSERT INTO wechat_notices
		(id, account_id, template_id, kind, result, errcode, attempts, msg_id, created_at, purge_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.ID, r.AccountID, r.TemplateID, r.Kind, r.Result, r.ErrCode,
		r.Attempts, r.MsgID, ms(r.CreatedAt), ms(r.PurgeAt))
	return err
}

// History implements notice.Store.
func (s *WeChatNotices) History(ctx context.Context, accountID string, now time.Time, limit int) ([]notice.Record, error) {
	rows, err := s.db.r.QueryContext(ctx, `SELECT id, account_id, template_id, kind, result, errcode, attempts, msg_id, created_at, purge_at
		FROM wechat_notices WHERE account_id = ? AND purge_at > ? ORDER BY created_at DESC, rowid DESC LIMIT ?`,
		accountID, ms(now), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []notice.Record
	for rows.Next() {
		var r notice.Record
		var created, purge int64
		if err := rows.Scan(&r.ID, &r.AccountID, &r.TemplateID, &r.Kind, &r.Result, &r.ErrCode, &r.Attempts, &r.MsgID, &created, &purge); err != nil {
			return nil, err
		}
		r.CreatedAt, r.PurgeAt = at(created), at(purge)
		out = append(out, r)
	}
	return out, rows.Err()
}

// WeChatOAuthStates is the wechat.OAuthStates store.
type WeChatOAuthStates struct{ db *DB }

// WeChatOAuthStates returns the OAuth states.
func (db *DB) WeChatOAuthStates() *WeChatOAuthStates { return &WeChatOAuthStates{db} }

// Put implements wechat.OAuthStates.
func (s *WeChatOAuthStates) Put(ctx context.Context, state, accountID string, expiresAt time.Time) error {
	_, err := s.db.w.ExecContext(ctx, `INSERT INTO wechat_oauth_states (state, account_id, expires_at) VALUES (?, ?, ?)`,
		state, accountID, ms(expiresAt))
	return err
}

// Take implements wechat.OAuthStates with one DELETE ... RETURNING: a state is used once.
func (s *WeChatOAuthStates) Take(ctx context.Context, state string, now time.Time) (string, bool, error) {
	var acc string
	var exp int64
	err := s.db.w.QueryRowContext(ctx, `DELETE FROM wechat_oauth_states WHERE state = ? RETURNING account_id, expires_at`, state).Scan(&acc, &exp)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	return acc, now.Before(at(exp)), nil
}
