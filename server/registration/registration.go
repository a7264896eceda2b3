// Package registration is the 注册 flow: an applicant proves control of a phone (SMS code) or of a
// WeChat account (code by QR scan), passes the slide captcha, and gets an account for their
// identity document. A document number has at most one live account; registering again with the
// number of a legacy account (registered before 2019-03-01) archives that account.
package registration

import (
	"context"
	"errors"

	"jszg/server/account"
	"jszg/server/audit"
	"jszg/server/clock"
	"jszg/server/code"
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

// Flow registers applicants.
type Flow struct {
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
	if err := f.Captcha.Redeem(ctx, req.Captcha); err != nil {
		return nil, err
	}
	// A live account that is not legacy makes the number taken; say so before the code is
	// used up, so that the applicant keeps it for nothing else.
	existing, err := f.Accounts.ByDocNumber(ctx, reg.DocNumber)
	if err == nil && !existing.Legacy() {
		return nil, errcode.AtField("doc_number", errcode.DocNumberTaken)
	}
	if err := f.Codes.Verify(ctx, key, reg.Code); err != nil {
		var e *errcode.Error
		if errors.As(err, &e) {
			return nil, errcode.AtField("code", e.Code)
		}
		return nil, err
	}
	archived, err := f.Accounts.ArchiveLegacy(ctx, reg.DocNumber, now)
	if err != nil {
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
	if archived {
		f.Audit.Add(ctx, audit.Record{Event: audit.LegacyArchived, Subject: subject, Addr: addr})
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
	return &api.RegisterResponse{AccountID: acc.ID, ArchivedLegacy: archived}, nil
}
