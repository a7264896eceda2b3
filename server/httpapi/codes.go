package httpapi

import (
	"github.com/gofiber/fiber/v2"

	"jszg/shared/api"
)

// sendSMSCode sends a registration code to the phone typed in the form (codesend.Flow).
func (a *API) sendSMSCode(c *fiber.Ctx) error {
	var req api.SendCodeRequest
	if err := DecodeJSON(c, &req); err != nil {
		return err
	}
	resp, err := a.d.SendCode.Send(c.UserContext(), req, ClientAddr(c))
	if err != nil {
		return err
	}
	return c.JSON(resp)
}

// sendCaptchaCode sends the code that stands in for the slide puzzle (codesend.Flow).
func (a *API) sendCaptchaCode(c *fiber.Ctx) error {
	var req api.CaptchaCodeRequest
	if err := DecodeJSON(c, &req); err != nil {
		return err
	}
	resp, err := a.d.SendCode.SendCaptchaCode(c.UserContext(), req, ClientAddr(c))
	if err != nil {
		return err
	}
	return c.JSON(resp)
}

// checkCaptchaCode takes the code sent in place of the puzzle and answers with a captcha pass.
func (a *API) checkCaptchaCode(c *fiber.Ctx) error {
	var req api.CaptchaCodeCheck
	if err := DecodeJSON(c, &req); err != nil {
		return err
	}
	pass, err := a.d.SendCode.CheckCaptchaCode(c.UserContext(), req)
	if err != nil {
		return err
	}
	return c.JSON(pass)
}
