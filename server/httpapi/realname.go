package httpapi

import (
	"github.com/gofiber/fiber/v2"

	"jszg/server/realname"
	"jszg/server/session"
	"jszg/shared/api"
	"jszg/shared/errcode"
)

// mountRealName adds 实名核验 and the business gate to the signed-in routes.
func (a *API) mountRealName() {
	if a.d.RealName == nil {
		return
	}
	a.Authed.Get("/realname", a.realNameStatus)
	a.Authed.Post("/realname", a.verifyRealName)
	a.Authed.Get("/entries/:entry", a.enterBusiness)
}

func (a *API) realNameStatus(c *fiber.Ctx) error {
	sess := c.Locals(localSession).(*session.Session)
	st, err := a.d.RealName.Status(c.UserContext(), sess.AccountID)
	if err != nil {
		return err
	}
	return c.JSON(st)
}

func (a *API) verifyRealName(c *fiber.Ctx) error {
	sess := c.Locals(localSession).(*session.Session)
	res, err := a.d.RealName.Verify(c.UserContext(), sess.AccountID, c.IP())
	if err != nil {
		return err
	}
	return c.JSON(res)
}

// enterBusiness is the gate of 认定 and 定期注册: a verified or review-approved account gets the
// business system's address, any other RealNameRequired (the page then keeps it in the centre).
func (a *API) enterBusiness(c *fiber.Ctx) error {
	sess := c.Locals(localSession).(*session.Session)
	entry := c.Params("entry")
	target, ok := a.d.Entries[entry]
	if !ok {
		return errcode.New(errcode.NotFound)
	}
	acc, err := a.d.Accounts.ByID(c.UserContext(), sess.AccountID)
	if err != nil {
		return err
	}
	if err := realname.Gate(acc); err != nil {
		return err
	}
	return c.JSON(api.EntryResponse{Entry: entry, Redirect: target})
}
