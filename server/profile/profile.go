// Package profile is what the owner changes in 个人信息中心: 修改密码 (with the old password; every
// other session ends), 修改手机号码 (a code to the new phone and the current password; the old phone
// is told), and 修改个人身份信息: 民族 and the residence-permit fields change at once, while a new
// name or new validity dates are staged on the account and take effect only when a real-name
// verification with them passes (account.Accounts.ApplyStagedIdentity). Wrong current passwords
// are limited per account, as sign-in limits them per number.
package profile

import (
	"context"
	"errors"
	"strings"
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
	"jszg/shared/ethnicity"
	"jszg/shared/name"
	"jszg/shared/password"
	"jszg/shared/validator"
)

// WrongPasswords bounds the current-password checks of one account.
var WrongPasswords = quota.Limit{Name: "profile_password", Max: 5, Window: quota.Fixed(15 * time.Minute)}

// CodeSender sends a code by SMS to a number the flow knows (package codesend).
type CodeSender interface {
	SendKnown(ctx context.Context, key code.Key, clientAddr string) (*api.SendCodeResponse, error)
}

// Codes checks verification codes.
type Codes interface {
	Verify(ctx context.Context, key code.Key, code string) error
}

// Sessions ends sessions.
type Sessions interface {
	EndAll(ctx context.Context, accountID, exceptID string) (int64, error)
}

// Notifier tells the holder about a change: Notify by WeChat when bound, else SMS; TellPhone by
// SMS to a given number (the phone being replaced).
type Notifier interface {
	Notify(ctx context.Context, acc *account.Account, what string)
	TellPhone(ctx context.Context, phone, what string)
}

// Flow changes the signed-in owner's account.
type Flow struct {
	Accounts *account.Accounts
	Hasher   *account.Hasher
	Codes    Codes
	SMS      CodeSender
	Sessions Sessions
	Notify   Notifier
	Quotas   *quota.Quotas
	Audit    *audit.Log
	Clock    clock.Clock
}

// ChangePassword is 修改密码. sessionID is the session asking, which stays signed in.
func (f *Flow) ChangePassword(ctx context.Context, accountID, sessionID string, req *api.ChangePasswordRequest, addr string) error {
	acc, err := f.Accounts.ByID(ctx, accountID)
	if err != nil {
		return err
	}
	if req.OldPassword == "" {
		return errcode.AtField("old_password", errcode.PasswordOldRequired)
	}
	if err := newPassword(acc, req.Password, req.PasswordConfirm); err != nil {
		return err
	}
	if err := f.checkPassword(ctx, acc, req.OldPassword, "old_password", addr); err != nil {
		return err
	}
	if req.Password == req.OldPassword {
		return errcode.AtField("password", errcode.PasswordUnchanged)
	}
	if err := f.Accounts.SetPasswordHash(ctx, acc.ID, f.Hasher.Hash(req.Password)); err != nil {
		return err
	}
	if _, err := f.Sessions.EndAll(ctx, acc.ID, sessionID); err != nil {
		return err
	}
	f.Audit.Add(ctx, audit.Record{Event: audit.PasswordChanged, AccountID: acc.ID, Addr: addr})
	f.Notify.Notify(ctx, acc, "密码已修改")
	return nil
}

// SendPhoneCode sends the code of 修改手机号码 to the new phone.
func (f *Flow) SendPhoneCode(ctx context.Context, accountID string, req *api.PhoneCodeRequest, addr string) (*api.SendCodeResponse, error) {
	acc, err := f.Accounts.ByID(ctx, accountID)
	if err != nil {
		return nil, err
	}
	phone, err := newPhone(acc, req.Phone)
	if err != nil {
		return nil, err
	}
	return f.SMS.SendKnown(ctx, phoneKey(phone), addr)
}

// ChangePhone is 修改手机号码: the code sent to the new phone and the current password.
func (f *Flow) ChangePhone(ctx context.Context, accountID string, req *api.ChangePhoneRequest, addr string) error {
	acc, err := f.Accounts.ByID(ctx, accountID)
	if err != nil {
		return err
	}
	phone, err := newPhone(acc, req.Phone)
	if err != nil {
		return err
	}
	if err := validator.ValidateCode(req.Code); err != nil {
		return err
	}
	if req.Password == "" {
		return errcode.AtField("password", errcode.PasswordRequired)
	}
	if err := f.checkPassword(ctx, acc, req.Password, "password", addr); err != nil {
		return err
	}
	if err := f.Codes.Verify(ctx, phoneKey(phone), req.Code); err != nil {
		var e *errcode.Error
		if errors.As(err, &e) {
			return errcode.AtField("code", e.Code)
		}
		return err
	}
	if err := f.Accounts.SetPhone(ctx, acc.ID, phone); err != nil {
		return err
	}
	f.Audit.Add(ctx, audit.Record{Event: audit.PhoneChanged, AccountID: acc.ID, Subject: contact.MaskPhone(phone), Addr: addr,
		Detail: map[string]string{"old": contact.MaskPhone(acc.Phone)}})
	f.Notify.TellPhone(ctx, acc.Phone, "手机号码已修改为"+contact.MaskPhone(phone))
	return nil
}

// UpdateIdentity is 修改个人身份信息. It reports whether a change waits for real-name verification.
func (f *Flow) UpdateIdentity(ctx context.Context, accountID string, req *api.IdentityUpdate, addr string) (bool, error) {
	acc, err := f.Accounts.ByID(ctx, accountID)
	if err != nil {
		return false, err
	}
	today := clock.Today(f.Clock.Now())
	var errs []*errcode.Error
	add := func(field string, err error) {
		var e *errcode.Error
		if errors.As(err, &e) {
			if e.Field == "" {
				e = errcode.AtField(field, e.Code)
			}
			errs = append(errs, e)
		}
	}
	ch := account.IdentityChange{Ethnicity: req.Ethnicity, PermitNumber: acc.PermitNumber, LocalID: acc.LocalID}
	if !ethnicity.Valid(req.Ethnicity, acc.DocType) {
		add("ethnicity", errcode.New(errcode.EthnicityInvalid))
	}
	// The page shows the permit numbers masked and cannot fill them in: both left empty keep
	// them as they are, so that a change of 民族 does not make the holder type them again.
	keepPermit := strings.TrimSpace(req.PermitNumber) == "" && strings.TrimSpace(req.LocalID) == "" && acc.PermitNumber != ""
	if acc.DocType == api.DocResidencePermit && !keepPermit {
		permit, err := document.ParsePermitNumber(acc.Region, req.PermitNumber)
		add("permit_number", err)
		local, err2 := document.ParseLocalID(acc.Region, req.LocalID)
		add("local_id", err2)
		if err == nil && err2 == nil {
			ch.PermitNumber, ch.LocalID = permit, local
		}
	}
	nm, err := name.Normalize(req.Name)
	add("name", err)
	birth, _ := document.ParseDate(acc.BirthDate)
	for _, e := range validator.ValidateValidity(acc.DocType, birth, req.ValidityTerm, req.ValidFrom, req.ValidUntil, today) {
		errs = append(errs, e)
	}
	if len(errs) > 0 {
		return false, &errcode.FormError{Errors: errs}
	}
	until := req.ValidUntil
	if req.ValidityTerm == api.TermLongTerm {
		until = ""
	}
	staged := account.StagedIdentity{Name: nm, ValidityTerm: req.ValidityTerm, ValidFrom: req.ValidFrom, ValidUntil: until,
		At: f.Clock.Now().UTC().Truncate(time.Millisecond)}
	changesVerified := nm != acc.Name || req.ValidityTerm != acc.ValidityTerm || req.ValidFrom != acc.ValidFrom || until != acc.ValidUntil
	if changesVerified {
		ch.Staged = &staged
	}
	if !changesVerified && ch.Ethnicity == acc.Ethnicity && ch.PermitNumber == acc.PermitNumber && ch.LocalID == acc.LocalID && acc.Staged == nil {
		return false, errcode.New(errcode.IdentityUnchanged)
	}
	if err := f.Accounts.SetIdentity(ctx, acc.ID, ch); err != nil {
		return false, err
	}
	f.Audit.Add(ctx, audit.Record{Event: audit.IdentityChanged, AccountID: acc.ID, Addr: addr})
	if changesVerified {
		f.Audit.Add(ctx, audit.Record{Event: audit.IdentityStaged, AccountID: acc.ID, Addr: addr})
	}
	return changesVerified, nil
}

// checkPassword verifies the current password under the account's limit of wrong ones; a right
// one gives its slot back.
func (f *Flow) checkPassword(ctx context.Context, acc *account.Account, pw, field, addr string) error {
	slot, err := f.Quotas.Take(ctx, "profile:"+acc.ID, WrongPasswords)
	if err != nil {
		return quota.Refusal(err, errcode.AccountLocked)
	}
	ok, err := f.Hasher.Verify(acc.PasswordHash, pw)
	if err != nil {
		return err
	}
	if !ok {
		f.Audit.Add(ctx, audit.Record{Event: audit.PasswordChangeFail, AccountID: acc.ID, Addr: addr})
		return errcode.AtField(field, errcode.PasswordOldWrong)
	}
	slot.Release(ctx)
	return nil
}

func newPassword(acc *account.Account, pw, confirm string) error {
	birth, _ := document.ParseDate(acc.BirthDate)
	holder := password.Personal{DocNumber: acc.DocNumber, Phone: acc.Phone, BirthDate: birth}
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

func newPhone(acc *account.Account, s string) (string, error) {
	if s == "" {
		return "", errcode.AtField("phone", errcode.PhoneRequired)
	}
	phone, err := contact.NormalizePhone(s)
	if err != nil {
		return "", errcode.AtField("phone", errcode.PhoneInvalid)
	}
	if phone == acc.Phone {
		return "", errcode.AtField("phone", errcode.PhoneUnchanged)
	}
	return phone, nil
}

func phoneKey(phone string) code.Key {
	return code.Key{Channel: code.ChannelSMS, To: phone, Purpose: api.PurposeChangePhone}
}
