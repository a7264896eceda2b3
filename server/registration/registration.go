// Package registration is the 注册 flow: an applicant proves control of a phone (SMS code) or of a
// WeChat account (code by QR scan), passes the slide captcha, and gets an account for their
// identity document. A document number has at most one live holder. Registering again with the
// number of a legacy account (registered before 2019-03-01) makes a new account that waits beside
// the legacy one, whose contacts are told; the legacy account is archived only when the new
// account proves its holder (account.Accounts.ArchiveSuperseded, called by real-name
// verification and manual review), because a leaked number alone must not take an account over.
package registration

import (
	"context"
	"errors"
	"time"

	"jszg/server/account"
	"jszg/server/audit"
	"jszg/server/clock"
	"jszg/server/code"
	"jszg/server/quota"
	"jszg/shared/api"
	"jszg/shared/contact"
	"jszg/shared/document"
	"jszg/shared/errcode"
	"jszg/shared/validator"
)

// Captcha consumes a slide-captcha pass.
type Captcha interface {
	Redeem(ctx context.Context, pass string) error
}

// Codes checks verification codes.
type Codes interface {
	Verify(ctx context.Context, key code.Key, code string) error
}

// WeChatBinder binds the WeChat account that scanned a registration scene to the new account.
type WeChatBinder interface {
	BindAfterRegistration(ctx context.Context, scene, accountID string) error
}

// LegacyNotifier tells the holder of a legacy account, at its phone and e-mail, that someone
// registered again with its document number.
type LegacyNotifier interface {
	NotifyReRegistration(ctx context.Context, legacy *account.Account) error
}

// PerAddress bounds registrations from one client address: generous, as campuses share one.
var PerAddress = quota.Limit{Name: "register_addr", Max: 60, Window: quota.Fixed(time.Hour)}

// Flow registers applicants.
type Flow struct {
	Quotas   *quota.Quotas  // nil: no address limit (tests of the flow alone)
	Notifier LegacyNotifier // nil: the audit log only
	Accounts *account.Accounts
	Hasher   *account.Hasher
	Captcha  Captcha
	Codes    Codes
	WeChat   WeChatBinder // nil when the service account is not wired
	Audit    *audit.Log
	Clock    clock.Clock
}

// Register checks the form and creates the account. Field problems come back as *errcode.FormError
// listing every field; other refusals as *errcode.Error.
func (f *Flow) Register(ctx context.Context, req *api.RegisterRequest, addr string) (*api.RegisterResponse, error) {
	now := f.Clock.Now()
	// Fields first: a form with a typo does not burn the captcha pass or the code.
	reg, errs := validator.ValidateRegistration(req, clock.Today(now))
	if len(errs) > 0 {
		return nil, &errcode.FormError{Errors: errs}
	}
	key := code.Key{Channel: code.ChannelSMS, To: reg.Phone, Purpose: api.PurposeRegister}
	if reg.CodeSource == api.CodeByWeChat {
		if req.WeChatScene == "" || f.WeChat == nil {
			return nil, errcode.AtField("code", errcode.CodeInvalid)
		}
		key = code.Key{Channel: code.ChannelWeChat, To: req.WeChatScene, Purpose: api.PurposeRegister}
	}
	if f.Quotas != nil {
		if _, err := f.Quotas.Take(ctx, "addr:"+addr, PerAddress); err != nil {
			return nil, quota.Refusal(err, errcode.TooManyRequests)
		}
	}
	if err := f.Captcha.Redeem(ctx, req.Captcha); err != nil {
		return nil, err
	}
	// The code before the number: whether a number is registered is told only to someone who
	// proved a phone (or a WeChat account), so the form is no free oracle of registered numbers.
	if err := f.Codes.Verify(ctx, key, reg.Code); err != nil {
		var e *errcode.Error
		if errors.As(err, &e) {
			return nil, errcode.AtField("code", e.Code)
		}
		return nil, err
	}
	legacy, err := f.Accounts.CheckRegistrable(ctx, reg.DocNumber)
	switch {
	case errors.Is(err, account.ErrTaken):
		return nil, errcode.AtField("doc_number", errcode.DocNumberTaken)
	case errors.Is(err, account.ErrTooManyPending):
		return nil, errcode.AtField("doc_number", errcode.LegacyReRegistrationPending)
	case err != nil:
		return nil, err
	}
	acc := &account.Account{
		ID:           account.NewID(),
		DocType:      reg.DocType,
		DocNumber:    reg.DocNumber,
		Name:         reg.Name,
		Sex:          reg.Sex,
		BirthDate:    document.FormatDate(reg.BirthDate),
		Region:       reg.Region,
		PermitNumber: reg.PermitNumber,
		LocalID:      reg.LocalID,
		ValidityTerm: reg.ValidityTerm,
		ValidFrom:    document.FormatDate(reg.ValidFrom),
		Email:        reg.Email,
		Phone:        reg.Phone,
		PasswordHash: f.Hasher.Hash(reg.Password),
		RealName:     account.RealNameNone,
		CreatedAt:    now,
	}
	if legacy != nil {
		acc.Supersedes = legacy.ID
	}
	if !reg.ValidUntil.IsZero() {
		acc.ValidUntil = document.FormatDate(reg.ValidUntil)
	}
	if err := f.Accounts.Create(ctx, acc); err != nil {
		if errors.Is(err, account.ErrTaken) {
			return nil, errcode.AtField("doc_number", errcode.DocNumberTaken)
		}
		return nil, err
	}
	subject := contact.MaskDocNumber(acc.DocNumber)
	if legacy != nil {
		f.Audit.Add(ctx, audit.Record{Event: audit.LegacyReRegistered, AccountID: legacy.ID, Subject: subject, Addr: addr,
			Detail: map[string]string{"new_account": acc.ID}})
		if f.Notifier != nil {
			if err := f.Notifier.NotifyReRegistration(ctx, legacy); err != nil {
				f.Audit.Add(ctx, audit.Record{Event: audit.LegacyNoticeFailed, AccountID: legacy.ID, Detail: map[string]string{"err": err.Error()}})
			}
		}
	}
	f.Audit.Add(ctx, audit.Record{Event: audit.Registered, AccountID: acc.ID, Subject: subject, Addr: addr,
		Detail: map[string]string{"code_source": reg.CodeSource}})
	if reg.CodeSource == api.CodeByWeChat {
		// The account exists whatever happens here; a failed binding can be redone in the
		// personal centre.
		if err := f.WeChat.BindAfterRegistration(ctx, req.WeChatScene, acc.ID); err != nil {
			f.Audit.Add(ctx, audit.Record{Event: audit.WeChatBindFailed, AccountID: acc.ID, Detail: map[string]string{"err": err.Error()}})
		}
	}
	return &api.RegisterResponse{AccountID: acc.ID, SupersedesLegacy: legacy != nil}, nil
}
