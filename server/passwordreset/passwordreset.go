// Package passwordreset is the 忘记密码 flow. 输入账号 (document type, number, name and the slide
// captcha) starts a flow whose answer is the same, in body, status and work done, whether or not
// such an account exists: a flow that matched nothing gets stand-in answers derived from what was
// typed (a masked e-mail and phone that look like any other) and sends nothing. 安全验证 then
// proves the account is yours in one of three ways:
//
//	邮箱重置密码     a link by e-mail, valid 24 hours, single use
//	短信验证重置密码  a code (package code) to the registered phone
//	微信验证重置密码  a scan of a reset QR scene by the bound openid, or a template message to
//	                it carrying a one-time link
//
// Every link carries a fingerprint of the password hash it was issued under, so any later reset
// or password change kills it. Every reset ends every session of the account, is notified (WeChat
// when bound, else SMS) and audited; starts and sends are limited per document number and per
// client address. Legacy accounts (registered before 2019-03-01) cannot reset: they register
// again.
//
//	start ──▶ flow (30 min) ──email──▶ link (24 h) ──new password──▶ reset
//	                        ──sms code──────────────────new password──▶ reset
//	                        ──wechat scan (bound openid)─new password──▶ reset
//	                        ──wechat message──▶ link (24 h) ──new password──▶ reset
package passwordreset

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"jszg/server/account"
	"jszg/server/audit"
	"jszg/server/clock"
	"jszg/server/code"
	"jszg/server/mail"
	"jszg/server/quota"
	"jszg/shared/api"
	"jszg/shared/contact"
	"jszg/shared/document"
	"jszg/shared/errcode"
	"jszg/shared/name"
	"jszg/shared/password"
	"jszg/shared/validator"
)

// Lifetimes.
const (
	FlowTTL = 30 * time.Minute
	LinkTTL = 24 * time.Hour
)

// Limits. Starts and sends count the document number typed, whether or not it has an account,
// so that a limit reached says nothing about existence.
var (
	StartsPerNumber     = quota.Limit{Name: "reset_start_number", Max: 10, Window: quota.Fixed(time.Hour)}
	StartsPerNumberDay  = quota.Limit{Name: "reset_start_number_day", Max: 20, Window: quota.ChinaDay}
	StartsPerAddress    = quota.Limit{Name: "reset_start_addr", Max: 300, Window: quota.Fixed(time.Hour)}
	LinksPerNumberMin   = quota.Limit{Name: "reset_link_number_min", Max: 1, Window: quota.Fixed(time.Minute)}
	LinksPerNumber      = quota.Limit{Name: "reset_link_number", Max: 3, Window: quota.Fixed(time.Hour)}
	LinksPerNumberDay   = quota.Limit{Name: "reset_link_number_day", Max: 5, Window: quota.ChinaDay}
	LinksPerAddressHour = quota.Limit{Name: "reset_link_addr", Max: 60, Window: quota.Fixed(time.Hour)}
)

// PagePath is the page a link opens (新密码 / 确认密码 / 确认修改).
const PagePath = "/reset/link"

// Captcha consumes a slide-captcha pass.
type Captcha interface {
	Redeem(ctx context.Context, pass string) error
}

// Codes issues and checks verification codes.
type Codes interface {
	Issue(ctx context.Context, key code.Key, clientAddr string) (string, error)
	Verify(ctx context.Context, key code.Key, code string) error
}

// CodeSender issues a code and sends it by SMS to a number the flow knows (package codesend).
type CodeSender interface {
	SendKnown(ctx context.Context, key code.Key, clientAddr string) (*api.SendCodeResponse, error)
}

// WeChat is the service account's part of the reset.
type WeChat interface {
	BoundOpenID(ctx context.Context, accountID string) (string, error)
	CreateResetScene(ctx context.Context, accountID, quotaKey string) (*api.WeChatScene, error)
	ResetProof(ctx context.Context, scene string) (accountID, openid string, err error)
	CanSendResetLink() bool
	SendResetLink(ctx context.Context, accountID, link string, validFor time.Duration) error
}

// Sessions ends sessions.
type Sessions interface {
	EndAll(ctx context.Context, accountID, exceptID string) (int64, error)
}

// Notifier tells the account holder that something changed (WeChat when bound, else SMS).
type Notifier interface {
	Notify(ctx context.Context, acc *account.Account, what string)
}

// Flow resets passwords.
type Flow struct {
	Accounts *account.Accounts
	Hasher   *account.Hasher
	Captcha  Captcha
	Tickets  Store
	Codes    Codes
	SMS      CodeSender
	Mail     mail.Sender
	WeChat   WeChat // nil when the service account is not wired
	Sessions Sessions
	Notify   Notifier
	Quotas   *quota.Quotas
	Audit    *audit.Log
	Clock    clock.Clock
	Secret   []byte
	Log      *slog.Logger
}

// Start is 输入账号. Refusals: field errors, the captcha's, the limits', and ResetLegacyAccount.
func (f *Flow) Start(ctx context.Context, req *api.PasswordResetStart, addr string) (*api.PasswordResetFlow, error) {
	var errs []*errcode.Error
	if err := validator.ValidateDocType(req.DocType); err != nil {
		errs = append(errs, errcode.AtField("doc_type", errcode.Of(err)))
	}
	number := document.NormalizeNumber(req.DocNumber)
	if number == "" {
		errs = append(errs, errcode.AtField("doc_number", errcode.DocNumberRequired))
	}
	nm, nameErr := name.Normalize(req.Name)
	if nameErr != nil {
		errs = append(errs, errcode.AtField("name", errcode.Of(nameErr)))
	}
	if len(errs) > 0 {
		return nil, &errcode.FormError{Errors: errs}
	}
	if err := f.Captcha.Redeem(ctx, req.Captcha); err != nil {
		return nil, err
	}
	if _, err := f.Quotas.Take(ctx, "reset:"+number, StartsPerNumber, StartsPerNumberDay); err != nil {
		return nil, quota.Refusal(err, errcode.TooManyRequests)
	}
	if _, err := f.Quotas.Take(ctx, "addr:"+addr, StartsPerAddress); err != nil {
		return nil, quota.Refusal(err, errcode.TooManyRequests)
	}
	now := f.Clock.Now()
	acc, err := f.Accounts.ByDocNumber(ctx, number)
	switch {
	case errors.Is(err, account.ErrNotFound):
		acc = nil
	case err != nil:
		return nil, err
	case acc.DocType != req.DocType || acc.Name != nm:
		acc = nil
	case acc.Legacy():
		f.Audit.Add(ctx, audit.Record{Event: audit.ResetRefused, AccountID: acc.ID, Subject: contact.MaskDocNumber(number),
			Addr: addr, Detail: map[string]string{"reason": "legacy"}})
		return nil, errcode.New(errcode.ResetLegacyAccount)
	}
	token := newToken()
	t := &Ticket{ID: hashToken(token), Kind: KindFlow, DocNumber: number, CreatedAt: now, ExpiresAt: now.Add(FlowTTL)}
	if acc != nil {
		t.AccountID = acc.ID
	} else {
		t.Decoy = f.mac("decoy", req.DocType, number, nm)
	}
	if err := f.Tickets.Insert(ctx, t); err != nil {
		return nil, err
	}
	// One record either way; an unknown account's carries no account id.
	f.Audit.Add(ctx, audit.Record{Event: audit.ResetStarted, AccountID: t.AccountID, Subject: contact.MaskDocNumber(number), Addr: addr})
	return &api.PasswordResetFlow{Flow: token, ExpiresIn: int(FlowTTL.Seconds())}, nil
}

// Methods is 安全验证: where the link and the code would go, masked, and whether WeChat is offered.
func (f *Flow) Methods(ctx context.Context, flow string) (*api.PasswordResetMethods, error) {
	t, acc, err := f.flow(ctx, flow)
	if err != nil {
		return nil, err
	}
	if acc == nil {
		return decoyMethods(t.Decoy, f.WeChat != nil), nil
	}
	m := &api.PasswordResetMethods{Email: contact.MaskEmail(acc.Email), Phone: contact.MaskPhone(acc.Phone)}
	if f.WeChat != nil {
		openid, err := f.WeChat.BoundOpenID(ctx, acc.ID)
		if err != nil {
			return nil, err
		}
		m.WeChat = openid != ""
	}
	return m, nil
}

// SendEmail is 邮箱重置密码: a link to the registered address. base is this server's external URL.
func (f *Flow) SendEmail(ctx context.Context, flow, base, addr string) (*api.PasswordResetSent, error) {
	t, acc, err := f.flow(ctx, flow)
	if err != nil {
		return nil, err
	}
	if err := f.takeLinkQuota(ctx, t, addr); err != nil {
		return nil, err
	}
	if acc == nil {
		return &api.PasswordResetSent{SentTo: decoyMethods(t.Decoy, false).Email, ResendAfter: 60}, nil
	}
	link, err := f.newLink(ctx, acc, "email", base)
	if err != nil {
		return nil, err
	}
	// Sent in the background: the answer must not take longer for a real account than for
	// none, and go-mail's retries may take seconds. A failure is logged and audited.
	m := mail.Message{To: acc.Email, Subject: "中国教师资格网密码重置", Text: EmailText(link)}
	go func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
		defer cancel()
		if err := f.Mail.Send(ctx, m); err != nil {
			f.Log.Warn("reset e-mail not sent", "to", contact.MaskEmail(acc.Email), "err", err)
			f.Audit.Add(ctx, audit.Record{Event: audit.ResetRefused, AccountID: acc.ID, Detail: map[string]string{"reason": "email_failed"}})
		}
	}()
	f.Audit.Add(ctx, audit.Record{Event: audit.ResetLinkSent, AccountID: acc.ID, Subject: contact.MaskEmail(acc.Email), Addr: addr,
		Detail: map[string]string{"channel": "email"}})
	return &api.PasswordResetSent{SentTo: contact.MaskEmail(acc.Email), ResendAfter: 60}, nil
}

// EmailText is the seed's e-mail.
func EmailText(link string) string {
	return "您好:\n\n您用于本次密码重置的邮箱地址链接: " + link +
		" , 请点击链接地址, 进行后续操作。(链接地址24小时内有效。如无法正常操作, 请复制链接到谷歌浏览器或360浏览器极速模式中操作。)\n\n中国教师资格网\n"
}

// SendSMS is 短信验证重置密码: a code to the registered phone, under every limit of codes.
func (f *Flow) SendSMS(ctx context.Context, flow, addr string) (*api.PasswordResetSent, error) {
	t, acc, err := f.flow(ctx, flow)
	if err != nil {
		return nil, err
	}
	if acc == nil {
		// The same code limits on a destination nobody receives.
		if _, err := f.Codes.Issue(ctx, decoyKey(t), addr); err != nil {
			return nil, err
		}
		return &api.PasswordResetSent{SentTo: decoyMethods(t.Decoy, false).Phone,
			ResendAfter: int(code.Cooldown.Seconds()), ExpiresIn: int(code.TTL.Seconds())}, nil
	}
	res, err := f.SMS.SendKnown(ctx, smsKey(acc), addr)
	if err != nil {
		return nil, err
	}
	return &api.PasswordResetSent{SentTo: contact.MaskPhone(acc.Phone), ResendAfter: res.ResendAfter, ExpiresIn: res.ExpiresIn}, nil
}

// ConfirmSMS takes the code and the new password.
func (f *Flow) ConfirmSMS(ctx context.Context, req *api.PasswordResetSMSConfirm, addr string) error {
	t, acc, err := f.flow(ctx, req.Flow)
	if err != nil {
		return err
	}
	if err := checkNewPassword(acc, req.Password, req.PasswordConfirm); err != nil {
		return err
	}
	key := decoyKey(t)
	if acc != nil {
		key = smsKey(acc)
	}
	if err := f.Codes.Verify(ctx, key, req.Code); err != nil {
		var e *errcode.Error
		if errors.As(err, &e) {
			return errcode.AtField("code", e.Code)
		}
		return err
	}
	if acc == nil {
		return errcode.AtField("code", errcode.CodeInvalid) // unreachable: nobody has the code
	}
	return f.finish(ctx, t, acc, req.Password, api.ResetBySMS, addr)
}

// StartWeChat shows the reset QR code of 微信验证重置密码.
func (f *Flow) StartWeChat(ctx context.Context, flow string) (*api.WeChatScene, error) {
	t, acc, err := f.flow(ctx, flow)
	if err != nil {
		return nil, err
	}
	if err := f.wechatOffered(ctx, t, acc); err != nil {
		return nil, err
	}
	accountID := ""
	if acc != nil {
		accountID = acc.ID
	}
	sc, err := f.WeChat.CreateResetScene(ctx, accountID, "reset:"+t.DocNumber)
	if err != nil {
		return nil, err
	}
	if err := f.Tickets.SetScene(ctx, t.ID, sc.Scene, f.Clock.Now()); err != nil {
		return nil, err
	}
	return sc, nil
}

// ConfirmWeChat takes the new password once the bound WeChat scanned the flow's scene.
func (f *Flow) ConfirmWeChat(ctx context.Context, req *api.PasswordResetWeChatConfirm, addr string) error {
	t, acc, err := f.flow(ctx, req.Flow)
	if err != nil {
		return err
	}
	if err := checkNewPassword(acc, req.Password, req.PasswordConfirm); err != nil {
		return err
	}
	if acc == nil || f.WeChat == nil || req.Scene == "" || req.Scene != t.Scene {
		return errcode.New(errcode.ResetWeChatPending)
	}
	accountID, openid, err := f.WeChat.ResetProof(ctx, req.Scene)
	if err != nil || accountID != acc.ID {
		return errcode.New(errcode.ResetWeChatPending)
	}
	// Still the bound WeChat now, not only at the scan.
	bound, err := f.WeChat.BoundOpenID(ctx, acc.ID)
	if err != nil {
		return err
	}
	if bound == "" || bound != openid {
		return errcode.New(errcode.ResetWeChatPending)
	}
	return f.finish(ctx, t, acc, req.Password, api.ResetByWeChat, addr)
}

// SendWeChatLink sends the bound WeChat a template message with a one-time link.
func (f *Flow) SendWeChatLink(ctx context.Context, flow, base, addr string) (*api.PasswordResetSent, error) {
	t, acc, err := f.flow(ctx, flow)
	if err != nil {
		return nil, err
	}
	if err := f.wechatOffered(ctx, t, acc); err != nil {
		return nil, err
	}
	if !f.WeChat.CanSendResetLink() {
		return nil, errcode.New(errcode.ResetMethodRefused)
	}
	if err := f.takeLinkQuota(ctx, t, addr); err != nil {
		return nil, err
	}
	if acc == nil {
		return &api.PasswordResetSent{SentTo: "微信", ResendAfter: 60}, nil
	}
	link, err := f.newLink(ctx, acc, "wechat", base)
	if err != nil {
		return nil, err
	}
	if err := f.WeChat.SendResetLink(ctx, acc.ID, link, LinkTTL); err != nil {
		f.Log.Warn("reset link by wechat not sent", "err", err)
		return nil, errcode.New(errcode.WeChatUnavailable)
	}
	f.Audit.Add(ctx, audit.Record{Event: audit.ResetLinkSent, AccountID: acc.ID, Addr: addr, Detail: map[string]string{"channel": "wechat"}})
	return &api.PasswordResetSent{SentTo: "微信", ResendAfter: 60}, nil
}

// CheckLink tells the page a link opens whether the link is still good.
func (f *Flow) CheckLink(ctx context.Context, token string) (*api.PasswordResetLink, error) {
	_, acc, err := f.link(ctx, token)
	if err != nil {
		return &api.PasswordResetLink{Valid: false}, nil
	}
	return &api.PasswordResetLink{Valid: true, Name: contact.MaskName(acc.Name)}, nil
}

// ConfirmLink is 确认修改 on the page a link opens. Of concurrent uses of one link one alone
// resets; the others get ResetLinkInvalid.
func (f *Flow) ConfirmLink(ctx context.Context, req *api.PasswordResetLinkConfirm, addr string) error {
	t, acc, err := f.link(ctx, req.Token)
	if err != nil {
		return err
	}
	if err := checkNewPassword(acc, req.Password, req.PasswordConfirm); err != nil {
		return err
	}
	method := api.ResetByEmail
	if t.Channel == "wechat" {
		method = api.ResetByWeChat
	}
	return f.finish(ctx, t, acc, req.Password, method, addr)
}

// finish uses the ticket up (one winner), sets the password, ends every session, notifies and
// audits.
func (f *Flow) finish(ctx context.Context, t *Ticket, acc *account.Account, pw, method, addr string) error {
	won, err := f.Tickets.Use(ctx, t.ID, f.Clock.Now())
	if err != nil {
		return err
	}
	if !won {
		if t.Kind == KindLink {
			return errcode.New(errcode.ResetLinkInvalid)
		}
		return errcode.New(errcode.ResetFlowExpired)
	}
	if err := f.Accounts.SetPasswordHash(ctx, acc.ID, f.Hasher.Hash(pw)); err != nil {
		return err
	}
	ended, err := f.Sessions.EndAll(ctx, acc.ID, "")
	if err != nil {
		return err
	}
	f.Audit.Add(ctx, audit.Record{Event: audit.PasswordReset, AccountID: acc.ID, Subject: contact.MaskDocNumber(acc.DocNumber),
		Addr: addr, Detail: map[string]string{"method": method, "sessions_ended": fmt.Sprint(ended)}})
	f.Notify.Notify(ctx, acc, "密码已重置")
	return nil
}

// flow returns a live, unused flow and its account (nil for a flow that matched none).
func (f *Flow) flow(ctx context.Context, token string) (*Ticket, *account.Account, error) {
	t, err := f.ticket(ctx, token, KindFlow)
	if err != nil {
		return nil, nil, errcode.New(errcode.ResetFlowExpired)
	}
	if t.AccountID == "" {
		return t, nil, nil
	}
	acc, err := f.Accounts.ByID(ctx, t.AccountID)
	if errors.Is(err, account.ErrNotFound) {
		return nil, nil, errcode.New(errcode.ResetFlowExpired)
	}
	return t, acc, err
}

// link returns a live, unused link whose account's password is the one it was issued under.
func (f *Flow) link(ctx context.Context, token string) (*Ticket, *account.Account, error) {
	t, err := f.ticket(ctx, token, KindLink)
	if err != nil {
		return nil, nil, errcode.New(errcode.ResetLinkInvalid)
	}
	acc, err := f.Accounts.ByID(ctx, t.AccountID)
	if err != nil || !hmac.Equal([]byte(f.stamp(acc)), []byte(t.Stamp)) {
		return nil, nil, errcode.New(errcode.ResetLinkInvalid)
	}
	return t, acc, nil
}

func (f *Flow) ticket(ctx context.Context, token, kind string) (*Ticket, error) {
	if token == "" || len(token) > 100 {
		return nil, ErrNotFound
	}
	t, err := f.Tickets.Get(ctx, hashToken(token), f.Clock.Now())
	if err != nil {
		return nil, err
	}
	if t.Kind != kind || !t.UsedAt.IsZero() {
		return nil, ErrNotFound
	}
	return t, nil
}

func (f *Flow) wechatOffered(ctx context.Context, t *Ticket, acc *account.Account) error {
	if f.WeChat == nil {
		return errcode.New(errcode.ResetMethodRefused)
	}
	if acc == nil {
		if !decoyMethods(t.Decoy, true).WeChat {
			return errcode.New(errcode.ResetMethodRefused)
		}
		return nil
	}
	openid, err := f.WeChat.BoundOpenID(ctx, acc.ID)
	if err != nil {
		return err
	}
	if openid == "" {
		return errcode.New(errcode.ResetMethodRefused)
	}
	return nil
}

func (f *Flow) takeLinkQuota(ctx context.Context, t *Ticket, addr string) error {
	g, err := f.Quotas.Take(ctx, "reset_link:"+t.DocNumber, LinksPerNumberMin, LinksPerNumber, LinksPerNumberDay)
	if err != nil {
		return quota.Refusal(err, errcode.TooManyRequests)
	}
	if _, err := f.Quotas.Take(ctx, "addr:"+addr, LinksPerAddressHour); err != nil {
		g.Release(ctx)
		return quota.Refusal(err, errcode.TooManyRequests)
	}
	return nil
}

// newLink stores a link ticket and returns its URL.
func (f *Flow) newLink(ctx context.Context, acc *account.Account, channel, base string) (string, error) {
	now := f.Clock.Now()
	token := newToken()
	t := &Ticket{ID: hashToken(token), Kind: KindLink, AccountID: acc.ID, DocNumber: acc.DocNumber, Channel: channel,
		Stamp: f.stamp(acc), CreatedAt: now, ExpiresAt: now.Add(LinkTTL)}
	if err := f.Tickets.Insert(ctx, t); err != nil {
		return "", err
	}
	return strings.TrimSuffix(base, "/") + PagePath + "?token=" + url.QueryEscape(token), nil
}

// stamp fingerprints the account's password hash: a new password (reset or change) makes a new
// hash with a new salt, so every earlier link stops matching.
func (f *Flow) stamp(acc *account.Account) string {
	return f.mac("stamp", acc.ID, acc.PasswordHash)[:32]
}

func (f *Flow) mac(parts ...string) string {
	m := hmac.New(sha256.New, f.Secret)
	for _, p := range parts {
		m.Write([]byte(p))
		m.Write([]byte{0})
	}
	return hex.EncodeToString(m.Sum(nil))
}

func checkNewPassword(acc *account.Account, pw, confirm string) error {
	holder := password.Personal{}
	if acc != nil {
		holder.DocNumber, holder.Phone = acc.DocNumber, acc.Phone
		holder.BirthDate, _ = document.ParseDate(acc.BirthDate)
	}
	var errs []*errcode.Error
	for _, err := range []error{validator.ValidatePassword(pw, holder), validator.ValidatePasswordConfirm(pw, confirm)} {
		var e *errcode.Error
		if errors.As(err, &e) {
			errs = append(errs, e)
		}
	}
	if len(errs) > 0 {
		return &errcode.FormError{Errors: errs}
	}
	return nil
}

func smsKey(acc *account.Account) code.Key {
	return code.Key{Channel: code.ChannelSMS, To: acc.Phone, Purpose: api.PurposeReset}
}

// decoyKey is where the code of a flow that matched no account "goes": nowhere, under the same
// limits as a real phone.
func decoyKey(t *Ticket) code.Key {
	return code.Key{Channel: code.ChannelSMS, To: "decoy:" + t.DocNumber, Purpose: api.PurposeReset}
}

var decoyDomains = []string{"qq.com", "163.com", "126.com", "sina.com", "139.com", "foxmail.com", "outlook.com", "gmail.com"}

// decoyMethods are the masked contacts shown for a flow that matched no account: the same shape
// as a real account's, the same every time for the same input, and unrelated to anyone's.
func decoyMethods(decoy string, wechatWired bool) *api.PasswordResetMethods {
	b, _ := hex.DecodeString(decoy)
	if len(b) < 10 {
		b = make([]byte, 10)
	}
	const first = "abcdefghijklmnopqrstuvwxyz0123456789"
	phone := []byte("1" + string("3456789"[int(b[2])%7]) + string(rune('0'+int(b[3])%10)) + "****")
	for _, c := range b[4:8] {
		phone = append(phone, byte('0'+int(c)%10))
	}
	return &api.PasswordResetMethods{
		Email:  string(first[int(b[0])%len(first)]) + "*****@" + decoyDomains[int(b[1])%len(decoyDomains)],
		Phone:  string(phone),
		WeChat: wechatWired && b[8]%4 == 0,
	}
}

func newToken() string {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func hashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}
