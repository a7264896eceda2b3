package httpapi

import (
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"jszg/server/account"
	"jszg/server/moelogin"
	"jszg/server/session"
	"jszg/shared/api"
	"jszg/shared/errcode"
)

// The routes of 忘记密码, the personal centre's changes and 教育部账号登录.
func (a *API) mountAccountRoutes(r fiber.Router) {
	if a.d.PasswordReset != nil {
		r.Post("/password-reset", a.resetStart)
		r.Post("/password-reset/methods", a.resetMethods)
		r.Post("/password-reset/email", a.resetEmail)
		r.Post("/password-reset/sms", a.resetSMS)
		r.Post("/password-reset/sms/confirm", a.resetSMSConfirm)
		r.Post("/password-reset/wechat/scene", a.resetWeChatScene)
		r.Post("/password-reset/wechat/confirm", a.resetWeChatConfirm)
		r.Post("/password-reset/wechat/link", a.resetWeChatLink)
		r.Get("/password-reset/link", a.resetLink)
		r.Post("/password-reset/link/confirm", a.resetLinkConfirm)
	}
	if a.d.Profile != nil {
		me := r.Group("/me", a.requireSession, a.checkCSRF)
		me.Put("/password", a.changePassword)
		me.Post("/phone/code", a.phoneCode)
		me.Put("/phone", a.changePhone)
		me.Put("/identity", a.updateIdentity)
	}
	if a.d.MoE != nil {
		r.Get("/moe/start", a.moeStart)
		r.Get("/moe/callback", a.moeCallback)
		r.Get("/moe/pending", a.moePending)
	}
	for _, kind := range []string{"subscription", "service"} {
		if img := a.d.FollowQR[kind]; len(img) > 0 {
			r.Get("/follow/"+kind+".png", func(c *fiber.Ctx) error {
				c.Set(fiber.HeaderContentType, imageType(img))
				c.Set(fiber.HeaderCacheControl, "public, max-age=86400")
				return c.Send(img)
			})
		}
	}
}

// Accounts is the account service the handlers use (real-name verification applies staged
// identity changes through it).
func (a *API) Accounts() *account.Accounts { return a.d.Accounts }

func imageType(b []byte) string {
	if len(b) > 2 && b[0] == 0xFF && b[1] == 0xD8 {
		return "image/jpeg"
	}
	return "image/png"
}

// base is this server's external URL, for the links in e-mail and WeChat messages.
func (a *API) base(c *fiber.Ctx) string {
	if a.d.PublicURL != "" {
		return strings.TrimSuffix(a.d.PublicURL, "/")
	}
	return c.BaseURL()
}

func (a *API) resetStart(c *fiber.Ctx) error {
	var req api.PasswordResetStart
	if err := DecodeJSON(c, &req); err != nil {
		return err
	}
	res, err := a.d.PasswordReset.Start(c.UserContext(), &req, c.IP())
	if err != nil {
		return err
	}
	return c.JSON(res)
}

func (a *API) flowOf(c *fiber.Ctx) (string, error) {
	var req api.PasswordResetFlowRequest
	if err := DecodeJSON(c, &req); err != nil {
		return "", err
	}
	return req.Flow, nil
}

func (a *API) resetMethods(c *fiber.Ctx) error {
	flow, err := a.flowOf(c)
	if err != nil {
		return err
	}
	res, err := a.d.PasswordReset.Methods(c.UserContext(), flow)
	if err != nil {
		return err
	}
	return c.JSON(res)
}

func (a *API) resetEmail(c *fiber.Ctx) error {
	flow, err := a.flowOf(c)
	if err != nil {
		return err
	}
	res, err := a.d.PasswordReset.SendEmail(c.UserContext(), flow, a.base(c), c.IP())
	if err != nil {
		return err
	}
	return c.JSON(res)
}

func (a *API) resetSMS(c *fiber.Ctx) error {
	flow, err := a.flowOf(c)
	if err != nil {
		return err
	}
	res, err := a.d.PasswordReset.SendSMS(c.UserContext(), flow, c.IP())
	if err != nil {
		return err
	}
	return c.JSON(res)
}

func (a *API) resetSMSConfirm(c *fiber.Ctx) error {
	var req api.PasswordResetSMSConfirm
	if err := DecodeJSON(c, &req); err != nil {
		return err
	}
	if err := a.d.PasswordReset.ConfirmSMS(c.UserContext(), &req, c.IP()); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (a *API) resetWeChatScene(c *fiber.Ctx) error {
	flow, err := a.flowOf(c)
	if err != nil {
		return err
	}
	sc, err := a.d.PasswordReset.StartWeChat(c.UserContext(), flow)
	if err != nil {
		return weChatRefusal(err)
	}
	return c.Status(fiber.StatusCreated).JSON(sc)
}

func (a *API) resetWeChatConfirm(c *fiber.Ctx) error {
	var req api.PasswordResetWeChatConfirm
	if err := DecodeJSON(c, &req); err != nil {
		return err
	}
	if err := a.d.PasswordReset.ConfirmWeChat(c.UserContext(), &req, c.IP()); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (a *API) resetWeChatLink(c *fiber.Ctx) error {
	flow, err := a.flowOf(c)
	if err != nil {
		return err
	}
	res, err := a.d.PasswordReset.SendWeChatLink(c.UserContext(), flow, a.base(c), c.IP())
	if err != nil {
		return weChatRefusal(err)
	}
	return c.JSON(res)
}

// weChatRefusal names the WeChat failures a reset meets (a limit on QR codes, WeChat down).
func weChatRefusal(err error) error {
	var e *errcode.Error
	var fe *errcode.FormError
	if errors.As(err, &e) || errors.As(err, &fe) {
		return err
	}
	if strings.Contains(err.Error(), "quota") {
		return errcode.New(errcode.TooManyRequests)
	}
	return errcode.New(errcode.WeChatUnavailable)
}

func (a *API) resetLink(c *fiber.Ctx) error {
	res, err := a.d.PasswordReset.CheckLink(c.UserContext(), c.Query("token"))
	if err != nil {
		return err
	}
	return c.JSON(res)
}

func (a *API) resetLinkConfirm(c *fiber.Ctx) error {
	var req api.PasswordResetLinkConfirm
	if err := DecodeJSON(c, &req); err != nil {
		return err
	}
	if err := a.d.PasswordReset.ConfirmLink(c.UserContext(), &req, c.IP()); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (a *API) changePassword(c *fiber.Ctx) error {
	var req api.ChangePasswordRequest
	if err := DecodeJSON(c, &req); err != nil {
		return err
	}
	sess := c.Locals(localSession).(*session.Session)
	if err := a.d.Profile.ChangePassword(c.UserContext(), sess.AccountID, sess.ID, &req, c.IP()); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (a *API) phoneCode(c *fiber.Ctx) error {
	var req api.PhoneCodeRequest
	if err := DecodeJSON(c, &req); err != nil {
		return err
	}
	sess := c.Locals(localSession).(*session.Session)
	res, err := a.d.Profile.SendPhoneCode(c.UserContext(), sess.AccountID, &req, c.IP())
	if err != nil {
		return err
	}
	return c.JSON(res)
}

func (a *API) changePhone(c *fiber.Ctx) error {
	var req api.ChangePhoneRequest
	if err := DecodeJSON(c, &req); err != nil {
		return err
	}
	sess := c.Locals(localSession).(*session.Session)
	if err := a.d.Profile.ChangePhone(c.UserContext(), sess.AccountID, &req, c.IP()); err != nil {
		return err
	}
	// The account the session check read is the one before this change.
	c.Locals(localAccount, nil)
	return a.me(c)
}

func (a *API) updateIdentity(c *fiber.Ctx) error {
	var req api.IdentityUpdate
	if err := DecodeJSON(c, &req); err != nil {
		return err
	}
	sess := c.Locals(localSession).(*session.Session)
	staged, err := a.d.Profile.UpdateIdentity(c.UserContext(), sess.AccountID, &req, c.IP())
	if err != nil {
		return err
	}
	acc, err := a.d.Accounts.ByID(c.UserContext(), sess.AccountID)
	if err != nil {
		return err
	}
	me, err := a.meOf(c, acc, sess)
	if err != nil {
		return err
	}
	return c.JSON(api.IdentityUpdateResult{Me: *me, Staged: staged})
}

// The registration offered to an unknown MoE identity is named by this cookie.
const moeCookie = "jszg_moe"

func (a *API) moeStart(c *fiber.Ctx) error {
	back := a.base(c) + "/api/moe/callback"
	u, err := a.d.MoE.Client.Start(c.UserContext(), back, c.Query("return_to"))
	if err != nil {
		a.d.Log.Warn("moe: start", "err", err)
		return c.Redirect("/login?moe_error="+string(errcode.MoEUnavailable), fiber.StatusSeeOther)
	}
	return c.Redirect(u, fiber.StatusFound)
}

// moeCallback ends 教育部账号登录: a linked account is signed in and sent where sign-in sends it;
// an unknown number goes to 注册 with the number locked; a refusal back to 登录 with its code.
func (a *API) moeCallback(c *fiber.Ctx) error {
	ctx := c.UserContext()
	id, returnTo, err := a.d.MoE.Client.Callback(ctx, c.Query("state"), c.Query("code"))
	if err != nil {
		a.d.Log.Info("moe: callback refused", "err", err)
		code := errcode.MoESignInFailed
		switch {
		case errors.Is(err, moelogin.ErrNoDocNumber):
			code = errcode.MoENoDocNumber
		case errors.Is(err, moelogin.ErrUnavailable):
			code = errcode.MoEUnavailable
		}
		return c.Redirect("/login?moe_error="+string(code), fiber.StatusSeeOther)
	}
	out, err := a.d.MoE.SignIn(ctx, id, c.IP())
	if errors.Is(err, moelogin.ErrOtherSubject) {
		return c.Redirect("/login?moe_error="+string(errcode.MoESignInFailed), fiber.StatusSeeOther)
	}
	if err != nil {
		return err
	}
	if out.Offer != "" {
		c.Cookie(&fiber.Cookie{Name: moeCookie, Value: out.Offer, Path: "/", Expires: time.Now().Add(moelogin.PendingTTL),
			Secure: c.Secure(), HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode})
		return c.Redirect("/register?moe=1", fiber.StatusSeeOther)
	}
	if old := c.Cookies(a.cookieName(c)); old != "" {
		_ = a.d.Sessions.End(ctx, old)
	}
	a.setSessionCookie(c, out.Token, out.Session.EndsAt)
	return c.Redirect(a.d.SignIn.Redirect(&api.SignInRequest{ReturnTo: returnTo}), fiber.StatusSeeOther)
}

func (a *API) moePending(c *fiber.Ctx) error {
	p, ok, err := a.d.MoE.Client.Offered(c.UserContext(), c.Cookies(moeCookie))
	if err != nil {
		return err
	}
	if !ok {
		return errcode.New(errcode.MoEPendingExpired)
	}
	return c.JSON(api.MoEPending{DocType: p.DocType, DocNumber: p.DocNumber, Name: p.Name})
}
