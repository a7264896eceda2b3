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
	ctx := c.UserContext()
	if err := a.d.Captcha.Redeem(ctx, req.Captcha); err != nil {
		return err
	}
	key := code.Key{Channel: code.ChannelSMS, To: phone, Purpose: req.Purpose}
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
