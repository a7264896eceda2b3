// Package scene is the scan of a parametric QR code of the service account (微信扫码): a scene
// is a random id, bound to a purpose (a registration attempt that wants a verification code, or
// a signed-in account that wants to bind its WeChat), shown as a temporary QR code valid 5
// minutes. When WeChat pushes the scan, the flow answers in the chat: a registration code (from
// the shared code service, whose one-a-minute cooldown per scene makes two simultaneous scans
// yield one code) or the outcome of the binding. A scene belongs to the first WeChat user who
// scans it, so a code or a binding never goes to a second phone pointed at the same screen.
// State changes are conditional updates of the scene's one record (Store):
//
//	waiting ──scan(register)──▶ code_sent ──registration──▶ bound
//	waiting ──scan(bind)──────▶ bound | rejected
//	waiting ──5 minutes───────▶ expired
//
// The record outlives the QR code by an hour (PurgeAt), because a code sent at minute 4 is
// still good for 5 minutes and registration then asks which openid scanned.
package scene

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"time"

	qrcode "github.com/skip2/go-qrcode"

	"jszg/shared/errcode"

	"jszg/server/clock"
	"jszg/server/code"
	"jszg/server/quota"
	"jszg/wechat/binding"
)

// Lifetimes.
const (
	TTL  = 5 * time.Minute // the QR code
	keep = time.Hour       // the record
)

// Purposes.
const (
	PurposeRegister = "register"
	PurposeBind     = "bind"
	// PurposeReset proves, for 微信验证重置密码, that the WeChat bound to the account is at hand:
	// only a scan from the bound openid counts.
	PurposeReset = "reset"
)

// Statuses a page polls.
const (
	StatusWaiting  = "waiting"
	StatusCodeSent = "code_sent"
	StatusBound    = "bound"
	StatusRejected = "rejected"
	StatusExpired  = "expired"
	// StatusVerified: a reset scene scanned by the openid bound to its account.
	StatusVerified = "verified"
)

// Per-openid limits on registration codes asked by scanning, on top of the per-scene limits of
// the code service: one WeChat user scanning many scenes is a script, not an applicant.
var (
	OpenIDPerHour = quota.Limit{Name: "wechat_code_openid_hour", Max: 10, Window: quota.Fixed(time.Hour)}
	OpenIDPerDay  = quota.Limit{Name: "wechat_code_openid_day", Max: 20, Window: quota.ChinaDay}
)

// ErrNotFound is returned for an unknown or purged scene.
var ErrNotFound = errors.New("scene not found")

// Chat replies.
const (
	replyCode       = "【中国教师资格网】您的注册验证码为%s，%d分钟内有效。如非本人操作，请忽略。"
	replyCooldown   = "验证码已发送，请查看上一条消息。如需重新获取，请%d秒后再扫码。"
	replyTooMany    = "获取验证码过于频繁，请稍后再试。"
	replyExpired    = "二维码已过期，请在网页上刷新二维码后重新扫码。"
	replyTaken      = "该二维码已被其他微信扫描，请在网页上刷新二维码后重新扫码。"
	replyUsed       = "该二维码已使用，请在网页上刷新二维码后重新扫码。"
	replyBound      = "绑定成功！您的微信已与中国教师资格网账号绑定，今后可通过本服务号接收验证码和审核结果通知。"
	replyBoundAgain = "您的微信已绑定该账号，无需重复绑定。"
	replyResetOK    = "身份确认成功！请回到网页设置新密码。如非本人操作，请忽略本消息，您的密码不会被修改。"
	replyResetOther = "该微信未绑定此中国教师资格网账号，扫码不能用于重置密码。请使用绑定该账号的微信扫码，或选择其他重置方式。"
	// Welcome is the reply to a follow without a scene.
	Welcome = "感谢关注中国教师资格网服务号！登录中国教师资格网后，可在“个人信息中心”绑定帐号，通过本服务号获取验证码、接收审核结果通知。"
)

// The refusals of a binding scan: the chat reply and the page say the same words.
var (
	RejectedOpenIDTaken  = errcode.WeChatOpenIDTaken.Message()
	RejectedAccountBound = errcode.WeChatAccountBound.Message()
)

// Scene is one QR code and what its scan is for.
type Scene struct {
	ID        string
	Purpose   string
	AccountID string // bind: who asked; register: the new account
	Status    string
	OpenID    string // who scanned first ("" until then)
	Reason    string // rejected: why
	QR        []byte // PNG
	CreatedAt time.Time
	ExpiresAt time.Time // of the QR code
	CodeAt    time.Time // last code sent
	PurgeAt   time.Time
}

// Store keeps the scenes. Every change is one conditional update of one scene, so that
// concurrent scans of a scene see one owner.
type Store interface {
	// Insert adds a new scene.
	Insert(ctx context.Context, sc *Scene) error
	// Get returns the scene, with its QR image when withQR; ErrNotFound when there is none (the
	// caller judges PurgeAt).
	Get(ctx context.Context, id string, withQR bool) (*Scene, error)
	// Claim makes openid the scene's scanner when the scene's QR code is valid at now, its status
	// is waiting or code_sent and it has no scanner or openid is it, and returns the scene after
	// (without its QR image); ErrNotFound when it did not. Of concurrent claims by different
	// openids, one alone succeeds.
	Claim(ctx context.Context, id, openid string, now time.Time) (*Scene, error)
	// Release clears the scanner openid of a waiting scene.
	Release(ctx context.Context, id, openid string) error
	// CodeSent sets status code_sent and CodeAt to now when openid is the scanner and CodeAt is
	// before now; it reports whether it did (once of any concurrent calls with one now).
	CodeSent(ctx context.Context, id, openid string, now time.Time) (bool, error)
	// Settle sets the status and reason of a waiting scene whose scanner is openid.
	Settle(ctx context.Context, id, openid, status, reason string) error
	// Registered sets status bound and the new account on the scene whose scanner is openid.
	Registered(ctx context.Context, id, openid, accountID string) error
}

// Reasons of a rejected bind.
const (
	ReasonOpenIDTaken  = "openid_taken"
	ReasonAccountBound = "account_bound"
)

// StatusAt returns what a page shows for the scene at now, and the seconds the QR code has left.
func (s *Scene) StatusAt(now time.Time) (string, int) {
	left := int(s.ExpiresAt.Sub(now).Seconds())
	if left < 0 {
		left = 0
	}
	if s.Status == StatusWaiting && left == 0 {
		return StatusExpired, 0
	}
	return s.Status, left
}

// Ticketer creates temporary QR codes of the service account.
type Ticketer interface {
	// QRTicket returns the content of a QR code for scene, valid ttl.
	QRTicket(ctx context.Context, scene string, ttl time.Duration) (content string, err error)
}

// Codes issues verification codes.
type Codes interface {
	Issue(ctx context.Context, key code.Key, clientAddr string) (string, error)
}

// Binder links accounts to openids.
type Binder interface {
	Bind(ctx context.Context, accountID, openid, via string, followed bool) error
	Get(ctx context.Context, accountID string) (*binding.Binding, error)
}

// Flow creates scenes and handles their scans.
type Flow struct {
	st      Store
	clk     clock.Clock
	tickets Ticketer
	codes   Codes
	binder  Binder
	quotas  *quota.Quotas
	log     *slog.Logger
}

// New returns the scan flow.
func New(st Store, clk clock.Clock, tickets Ticketer, codes Codes, binder Binder, q *quota.Quotas, log *slog.Logger) *Flow {
	if log == nil {
		log = slog.Default()
	}
	return &Flow{st: st, clk: clk, tickets: tickets, codes: codes, binder: binder, quotas: q, log: log}
}

// Create makes a scene and its QR code. accountID is the signed-in account for PurposeBind.
func (f *Flow) Create(ctx context.Context, purpose, accountID string) (*Scene, error) {
	switch purpose {
	case PurposeRegister:
		accountID = ""
	case PurposeReset:
		// An empty account is a reset started for no account: its scene can be scanned, and
		// proves nothing to anyone, exactly as a scan from the wrong WeChat.
	case PurposeBind:
		if accountID == "" {
			return nil, errors.New("bind scene without an account")
		}
		if _, err := f.binder.Get(ctx, accountID); err == nil {
			return nil, binding.ErrAccountBound
		} else if !errors.Is(err, binding.ErrNotBound) {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("unknown scene purpose %q", purpose)
	}
	id := newID()
	content, err := f.tickets.QRTicket(ctx, id, TTL)
	if err != nil {
		return nil, err
	}
	png, err := qrcode.Encode(content, qrcode.Medium, 256)
	if err != nil {
		return nil, fmt.Errorf("render QR code: %w", err)
	}
	now := f.clk.Now()
	sc := &Scene{ID: id, Purpose: purpose, AccountID: accountID, Status: StatusWaiting, QR: png,
		CreatedAt: now, ExpiresAt: now.Add(TTL), PurgeAt: now.Add(keep)}
	if err := f.st.Insert(ctx, sc); err != nil {
		return nil, fmt.Errorf("store scene: %w", err)
	}
	return sc, nil
}

// Get returns a scene without its QR image; ErrNotFound when unknown or purged.
func (f *Flow) Get(ctx context.Context, id string) (*Scene, error) {
	return f.get(ctx, id, false)
}

// QR returns the PNG of a scene whose QR code is still valid; ErrNotFound otherwise.
func (f *Flow) QR(ctx context.Context, id string) ([]byte, error) {
	sc, err := f.get(ctx, id, true)
	if err != nil {
		return nil, err
	}
	if !f.clk.Now().Before(sc.ExpiresAt) || len(sc.QR) == 0 {
		return nil, ErrNotFound
	}
	return sc.QR, nil
}

func (f *Flow) get(ctx context.Context, id string, withQR bool) (*Scene, error) {
	if id == "" || len(id) > 64 {
		return nil, ErrNotFound
	}
	sc, err := f.st.Get(ctx, id, withQR)
	if errors.Is(err, ErrNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load scene: %w", err)
	}
	if !f.clk.Now().Before(sc.PurgeAt) {
		return nil, ErrNotFound
	}
	return sc, nil
}

// Scan handles openid's scan of scene and returns the chat reply. An error is a failure of the
// store or the code service; the user then gets the endpoint's "busy" reply.
func (f *Flow) Scan(ctx context.Context, openid, id string) (string, error) {
	now := f.clk.Now()
	// The scene belongs to the first openid to scan it; a scene whose code was sent may be
	// scanned again by that openid (for a new code after the cooldown).
	if id == "" || len(id) > 64 {
		return replyExpired, nil
	}
	sc, err := f.st.Claim(ctx, id, openid, now)
	if errors.Is(err, ErrNotFound) {
		// Not claimed: say why.
		cur, err := f.Get(ctx, id)
		switch {
		case errors.Is(err, ErrNotFound):
			return replyExpired, nil
		case err != nil:
			return "", err
		case !now.Before(cur.ExpiresAt):
			return replyExpired, nil
		case cur.OpenID != openid:
			return replyTaken, nil
		case cur.Purpose == PurposeBind && cur.Status == StatusBound:
			return replyBoundAgain, nil
		}
		return replyUsed, nil
	}
	if err != nil {
		return "", fmt.Errorf("claim scene: %w", err)
	}
	switch sc.Purpose {
	case PurposeRegister:
		return f.sendCode(ctx, sc, openid, now)
	case PurposeBind:
		if sc.Status != StatusWaiting {
			return replyUsed, nil
		}
		return f.bind(ctx, sc, openid)
	case PurposeReset:
		if sc.Status != StatusWaiting {
			return replyUsed, nil
		}
		return f.proveReset(ctx, sc, openid)
	}
	return replyExpired, nil
}

// proveReset settles a reset scene scanned by the account's bound openid. Any other openid is
// told so and its claim given back, so that the scene stays open for the bound WeChat.
func (f *Flow) proveReset(ctx context.Context, sc *Scene, openid string) (string, error) {
	b, err := f.binder.Get(ctx, sc.AccountID)
	switch {
	case sc.AccountID == "" || errors.Is(err, binding.ErrNotBound):
	case err != nil:
		f.release(ctx, sc.ID, openid)
		return "", err
	case b.OpenID == openid:
		if err := f.st.Settle(ctx, sc.ID, openid, StatusVerified, ""); err != nil {
			return "", fmt.Errorf("record reset scan: %w", err)
		}
		return replyResetOK, nil
	}
	f.release(ctx, sc.ID, openid)
	return replyResetOther, nil
}

// ResetProof returns the account and openid of a reset scene that the account's bound openid
// scanned; ErrNotFound otherwise.
func (f *Flow) ResetProof(ctx context.Context, id string) (accountID, openid string, err error) {
	sc, err := f.Get(ctx, id)
	if err != nil {
		return "", "", err
	}
	if sc.Purpose != PurposeReset || sc.Status != StatusVerified || sc.AccountID == "" || sc.OpenID == "" {
		return "", "", ErrNotFound
	}
	return sc.AccountID, sc.OpenID, nil
}

func (f *Flow) sendCode(ctx context.Context, sc *Scene, openid string, now time.Time) (string, error) {
	g, err := f.quotas.Take(ctx, "wechat:"+openid, OpenIDPerHour, OpenIDPerDay)
	var ex *quota.Exceeded
	if errors.As(err, &ex) {
		f.release(ctx, sc.ID, openid)
		return replyTooMany, nil
	}
	if err != nil {
		return "", err
	}
	key := code.Key{Channel: code.ChannelWeChat, To: sc.ID, Purpose: PurposeRegister}
	v, err := f.codes.Issue(ctx, key, "")
	var rl *code.RateLimited
	if errors.As(err, &rl) {
		// The scene's own code limit: a code for this scene went out already, and only its
		// owner can have had it, so the scene stays this openid's. (Giving the claim back here
		// raced the concurrent scan that is sending that code: a second phone could take the
		// scene in between.)
		g.Release(ctx)
		if rl.RetryAfter <= code.Cooldown {
			return fmt.Sprintf(replyCooldown, errcode.RetrySeconds(rl.RetryAfter)), nil
		}
		return replyTooMany, nil
	}
	if err != nil {
		g.Release(ctx)
		f.release(ctx, sc.ID, openid)
		return "", err
	}
	// Conditional on the time, so that a slow writer cannot overwrite a later code's record.
	if _, err := f.st.CodeSent(ctx, sc.ID, openid, now); err != nil {
		return "", fmt.Errorf("record code sent: %w", err)
	}
	return fmt.Sprintf(replyCode, v, int(code.TTL.Minutes())), nil
}

// release gives back the claim of a scene that got no code, so that the scene is not held by a
// WeChat user who was refused one (a waiting scene only: one with a code stays its receiver's).
func (f *Flow) release(ctx context.Context, id, openid string) {
	_ = f.st.Release(context.WithoutCancel(ctx), id, openid)
}

func (f *Flow) bind(ctx context.Context, sc *Scene, openid string) (string, error) {
	err := f.binder.Bind(ctx, sc.AccountID, openid, binding.ViaScan, true)
	status, reason, reply := StatusBound, "", replyBound
	switch {
	case err == nil:
	case errors.Is(err, binding.ErrOpenIDTaken):
		status, reason, reply = StatusRejected, ReasonOpenIDTaken, RejectedOpenIDTaken
	case errors.Is(err, binding.ErrAccountBound):
		status, reason, reply = StatusRejected, ReasonAccountBound, RejectedAccountBound
	default:
		f.release(ctx, sc.ID, openid)
		return "", err
	}
	if err := f.st.Settle(ctx, sc.ID, openid, status, reason); err != nil {
		return "", fmt.Errorf("record binding scan: %w", err)
	}
	return reply, nil
}

// OpenIDForRegistration returns the openid that was sent the registration code of scene.
func (f *Flow) OpenIDForRegistration(ctx context.Context, id string) (string, error) {
	sc, err := f.Get(ctx, id)
	if err != nil {
		return "", err
	}
	if sc.Purpose != PurposeRegister || sc.OpenID == "" || (sc.Status != StatusCodeSent && sc.Status != StatusBound) {
		return "", ErrNotFound
	}
	return sc.OpenID, nil
}

// BindAfterRegistration binds the openid that was sent the code of scene to the new account.
// Call it only once the code has been verified for this scene. Binding the same pair twice is
// harmless; it returns binding.ErrOpenIDTaken when that WeChat user already has an account.
func (f *Flow) BindAfterRegistration(ctx context.Context, id, accountID string) error {
	openid, err := f.OpenIDForRegistration(ctx, id)
	if err != nil {
		return err
	}
	if err := f.binder.Bind(ctx, accountID, openid, binding.ViaRegistration, true); err != nil {
		return err
	}
	if err := f.st.Registered(ctx, id, openid, accountID); err != nil {
		return fmt.Errorf("record registration binding: %w", err)
	}
	return nil
}

// newID is 128 random bits in URL-safe base64 (22 characters; WeChat allows 64).
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}
