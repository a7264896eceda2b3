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
	resp, err := a.d.SendCode.Send(c.UserContext(), req, c.IP())
	if err != nil {
		return err
	}
	return c.JSON(resp)
}
