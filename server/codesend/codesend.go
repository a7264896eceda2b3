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

// Captcha redeems a slide-captcha pass, and grants one to a person who proved themselves by the
// code sent in place of the puzzle.
type Captcha interface {
	Redeem(ctx context.Context, pass string) error
	Grant(ctx context.Context) (*api.CaptchaPass, error)
}

// Codes issues, withdraws and verifies codes.
type Codes interface {
	Issue(ctx context.Context, key code.Key, clientAddr string) (string, error)
	Withdraw(ctx context.Context, key code.Key)
	Verify(ctx context.Context, key code.Key, code string) error
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
	return f.send(ctx, code.Key{Channel: code.ChannelSMS, To: phone, Purpose: req.Purpose}, clientAddr)
}

// SendCaptchaCode is the accessible alternative to the slide puzzle: a code by SMS to a phone the
// applicant reads, for someone who cannot see or drag the puzzle. No captcha guards it (it
// replaces one); the limits of every code do, per phone and per client address, so it sends no
// more than the puzzle-guarded route would let through.
func (f *Flow) SendCaptchaCode(ctx context.Context, req api.CaptchaCodeRequest, clientAddr string) (*api.SendCodeResponse, error) {
	phone, err := contact.NormalizePhone(req.Phone)
	if err != nil {
		return nil, errcode.AtField("phone", errcode.PhoneInvalid)
	}
	return f.send(ctx, code.Key{Channel: code.ChannelSMS, To: phone, Purpose: api.PurposeCaptcha}, clientAddr)
}

// CheckCaptchaCode takes the code sent in place of the puzzle and answers with a captcha pass, as
// a solved puzzle does.
func (f *Flow) CheckCaptchaCode(ctx context.Context, req api.CaptchaCodeCheck) (*api.CaptchaPass, error) {
	phone, err := contact.NormalizePhone(req.Phone)
	if err != nil {
		return nil, errcode.AtField("phone", errcode.PhoneInvalid)
	}
	key := code.Key{Channel: code.ChannelSMS, To: phone, Purpose: api.PurposeCaptcha}
	if err := f.Codes.Verify(ctx, key, req.Code); err != nil {
		var ce *errcode.Error
		if errors.As(err, &ce) {
			return nil, errcode.AtField("code", ce.Code)
		}
		return nil, err
	}
	return f.Captcha.Grant(ctx)
}

// SendKnown sends a code to a number a flow knows (the registered phone of a reset, the new
// phone of a change), under the same limits and with the same handling of carrier refusals.
// The flow has already checked who is asking.
func (f *Flow) SendKnown(ctx context.Context, key code.Key, clientAddr string) (*api.SendCodeResponse, error) {
	return f.send(ctx, key, clientAddr)
}

// send issues the code of key and sends it by SMS, within the code limits.
func (f *Flow) send(ctx context.Context, key code.Key, clientAddr string) (*api.SendCodeResponse, error) {
	phone := key.To
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
