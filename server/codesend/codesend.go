// Package codesend is the flow of asking for a verification code by SMS (获取验证码 on 注册): the
// captcha pass is redeemed, the code service issues a code under its send limits, the SMS goes
// out, and what happened is audited. A code the carrier refused is withdrawn, so the user may ask
// again at once, and the refusal says why (a rejected number at the phone field, the carrier's
// own limit as a rate limit). The HTTP layer only decodes the request and encodes the answer.
package codesend

import (
	"context"
	"errors"
	"log/slog"

	"jszg/server/audit"
	"jszg/server/code"
	"jszg/server/sms"
	"jszg/shared/api"
	"jszg/shared/contact"
	"jszg/shared/errcode"
)

// Captcha redeems a slide-captcha pass.
type Captcha interface {
	Redeem(ctx context.Context, pass string) error
}

// Codes issues and withdraws codes.
type Codes interface {
	Issue(ctx context.Context, key code.Key, clientAddr string) (string, error)
	Withdraw(ctx context.Context, key code.Key)
}

// SMSSender delivers SMS verification codes.
type SMSSender interface {
	SendCode(ctx context.Context, phone, code string, validMinutes int) error
}

// Auditor records what happened.
type Auditor interface {
	Add(ctx context.Context, r audit.Record)
}

// Flow sends codes by SMS.
type Flow struct {
	Captcha Captcha
	Codes   Codes
	SMS     SMSSender
	Audit   Auditor
	Log     *slog.Logger
}

// Send sends a registration code to the phone typed in the form. Codes for a reset or a phone
// change go to numbers the flows know, and are sent by those flows.
func (f *Flow) Send(ctx context.Context, req api.SendCodeRequest, clientAddr string) (*api.SendCodeResponse, error) {
	if req.Purpose != api.PurposeRegister {
		return nil, errcode.AtField("purpose", errcode.BadRequest)
	}
	phone, err := contact.NormalizePhone(req.Phone)
	if err != nil {
		return nil, errcode.AtField("phone", errcode.PhoneInvalid)
	}
	if err := f.Captcha.Redeem(ctx, req.Captcha); err != nil {
		return nil, err
	}
	key := code.Key{Channel: code.ChannelSMS, To: phone, Purpose: req.Purpose}
	subject := contact.MaskPhone(phone)
	v, err := f.Codes.Issue(ctx, key, clientAddr)
	if err != nil {
		f.Audit.Add(ctx, audit.Record{Event: audit.CodeSendRefused, Subject: subject, Addr: clientAddr})
		return nil, err
	}
	if err := f.SMS.SendCode(ctx, phone, v, int(code.TTL.Minutes())); err != nil {
		f.Codes.Withdraw(ctx, key)
		f.Log.Warn("sms not delivered", "phone", subject, "err", err)
		switch {
		case errors.Is(err, sms.ErrPhoneRejected):
			return nil, errcode.AtField("phone", errcode.PhoneInvalid)
		case errors.Is(err, sms.ErrRateLimited):
			// The carrier's own limit; its window is not told, so say a minute.
			return nil, errcode.After(errcode.CodeRateLimited, code.Cooldown)
		}
		return nil, errcode.New(errcode.Unavailable)
	}
	f.Audit.Add(ctx, audit.Record{Event: audit.CodeSent, Subject: subject, Addr: clientAddr, Detail: map[string]string{"channel": "sms"}})
	return &api.SendCodeResponse{ResendAfter: int(code.Cooldown.Seconds()), ExpiresIn: int(code.TTL.Seconds())}, nil
}
