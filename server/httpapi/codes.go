package httpapi

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"jszg/server/audit"
	"jszg/server/code"
	"jszg/server/sms"
	"jszg/shared/api"
	"jszg/shared/contact"
	"jszg/shared/errcode"
)

// sendSMSCode sends a registration code to the phone typed in the form. Codes for a reset or a
// phone change go to numbers the flows know, and have routes of their own.
func (a *API) sendSMSCode(c *fiber.Ctx) error {
	var req api.SendCodeRequest
	if err := DecodeJSON(c, &req); err != nil {
		return err
	}
	if req.Purpose != api.PurposeRegister {
		return errcode.AtField("purpose", errcode.BadRequest)
	}
	phone, err := contact.NormalizePhone(req.Phone)
	if err != nil {
		return errcode.AtField("phone", errcode.PhoneInvalid)
	}
	if err := a.d.Captcha.Redeem(c.UserContext(), req.Captcha); err != nil {
		return err
	}
	return a.smsCode(c, code.Key{Channel: code.ChannelSMS, To: phone, Purpose: req.Purpose})
}

// sendCaptchaCode is the accessible alternative to the slide puzzle: a code by SMS to a phone the
// applicant reads, for someone who cannot see or drag the puzzle. No captcha guards it (it
// replaces one); the limits of every code do, per phone and per client address, so it sends no
// more than the puzzle-guarded route would let through.
func (a *API) sendCaptchaCode(c *fiber.Ctx) error {
	var req api.CaptchaCodeRequest
	if err := DecodeJSON(c, &req); err != nil {
		return err
	}
	phone, err := contact.NormalizePhone(req.Phone)
	if err != nil {
		return errcode.AtField("phone", errcode.PhoneInvalid)
	}
	return a.smsCode(c, code.Key{Channel: code.ChannelSMS, To: phone, Purpose: api.PurposeCaptcha})
}

// checkCaptchaCode takes the code sent in place of the puzzle and answers with a captcha pass,
// as a solved puzzle does.
func (a *API) checkCaptchaCode(c *fiber.Ctx) error {
	var req api.CaptchaCodeCheck
	if err := DecodeJSON(c, &req); err != nil {
		return err
	}
	phone, err := contact.NormalizePhone(req.Phone)
	if err != nil {
		return errcode.AtField("phone", errcode.PhoneInvalid)
	}
	ctx := c.UserContext()
	key := code.Key{Channel: code.ChannelSMS, To: phone, Purpose: api.PurposeCaptcha}
	if err := a.d.Codes.Verify(ctx, key, req.Code); err != nil {
		var ce *errcode.Error
		if errors.As(err, &ce) {
			return errcode.AtField("code", ce.Code)
		}
		return err
	}
	pass, err := a.d.Captcha.Grant(ctx)
	if err != nil {
		return err
	}
	return c.JSON(pass)
}

// smsCode issues the code of key and sends it by SMS, within the code limits.
func (a *API) smsCode(c *fiber.Ctx, key code.Key) error {
	ctx, phone := c.UserContext(), key.To
	subject := contact.MaskPhone(phone)
	v, err := a.d.Codes.Issue(ctx, key, c.IP())
	if err != nil {
		a.d.Audit.Add(ctx, audit.Record{Event: audit.CodeSendRefused, Subject: subject, Addr: c.IP()})
		return err
	}
	if err := a.d.SMS.SendCode(ctx, phone, v, int(code.TTL.Minutes())); err != nil {
		a.d.Codes.Withdraw(ctx, key)
		a.d.Log.Warn("sms not delivered", "phone", subject, "err", err)
		switch {
		case errors.Is(err, sms.ErrPhoneRejected):
			return errcode.AtField("phone", errcode.PhoneInvalid)
		case errors.Is(err, sms.ErrRateLimited):
			// The carrier's own limit; its window is not told, so say a minute.
			return errcode.After(errcode.CodeRateLimited, code.Cooldown)
		}
		return errcode.New(errcode.Unavailable)
	}
	a.d.Audit.Add(ctx, audit.Record{Event: audit.CodeSent, Subject: subject, Addr: c.IP(), Detail: map[string]string{"channel": "sms"}})
	return c.JSON(api.SendCodeResponse{ResendAfter: int(code.Cooldown.Seconds()), ExpiresIn: int(code.TTL.Seconds())})
}
