package httpapi

import (
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"jszg/server/account"
	"jszg/server/audit"
	"jszg/server/session"
	"jszg/shared/api"
	"jszg/shared/contact"
	"jszg/shared/errcode"
)

// Cookie names. Over TLS the __Host- prefix makes the browser refuse the cookie unless it is
// Secure, host-only and for the whole path, so no subdomain can plant or read it.
const (
	cookiePlain  = "jszg_session"
	cookieSecure = "__Host-jszg_session"
)

const (
	localSession = "session"
	localAccount = "account" // the applicant account of the session, read by requireSession
)

// secure says whether the browser reached us over TLS. With JSZG_PUBLIC_URL set its scheme says
// so (a TLS-terminating proxy in front); otherwise only this connection's own TLS does. Never
// X-Forwarded-Proto: any client can send that header, and it would decide the cookie's name and
// Secure flag.
func (a *API) secure(c *fiber.Ctx) bool {
	if a.d.PublicURL != "" {
		return strings.HasPrefix(a.d.PublicURL, "https://")
	}
	return c.Context().IsTLS()
}

func (a *API) cookieName(c *fiber.Ctx) string {
	if a.secure(c) {
		return cookieSecure
	}
	return cookiePlain
}

func (a *API) setSessionCookie(c *fiber.Ctx, token string, expires time.Time) {
	c.Cookie(&fiber.Cookie{
		Name:     a.cookieName(c),
		Value:    token,
		Path:     "/",
		Expires:  expires,
		Secure:   a.secure(c),
		HTTPOnly: true,
		// Lax, not Strict: a business system links back here with a top-level GET and the
		// applicant must arrive signed in. Writes are guarded by the CSRF token.
		SameSite: fiber.CookieSameSiteLaxMode,
	})
}

func (a *API) signIn(c *fiber.Ctx) error {
	var req api.SignInRequest
	if err := DecodeJSON(c, &req); err != nil {
		return err
	}
	ctx := c.UserContext()
	res, err := a.d.SignIn.SignIn(ctx, &req, ClientAddr(c))
	if err != nil {
		return err
	}
	// Rotation: whatever session this browser had ends; the new token is the only one.
	if old := c.Cookies(a.cookieName(c)); old != "" {
		_ = a.d.Sessions.End(ctx, old)
	}
	a.setSessionCookie(c, res.Token, res.Session.EndsAt)
	me, err := a.meOf(c, res.Account, res.Session)
	if err != nil {
		return err
	}
	return c.JSON(api.SignInResponse{CSRFToken: me.CSRFToken, Redirect: res.Redirect, Me: *me})
}

func (a *API) signOut(c *fiber.Ctx) error {
	sess := c.Locals(localSession).(*session.Session)
	if err := a.d.Sessions.End(c.UserContext(), c.Cookies(a.cookieName(c))); err != nil {
		return err
	}
	a.d.Audit.Add(c.UserContext(), audit.Record{Event: audit.SignedOut, AccountID: sess.AccountID, Addr: ClientAddr(c)})
	c.Cookie(&fiber.Cookie{Name: a.cookieName(c), Value: "", Path: "/", Expires: time.Unix(1, 0), Secure: a.secure(c), HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode})
	return c.SendStatus(fiber.StatusNoContent)
}

func (a *API) me(c *fiber.Ctx) error {
	sess := c.Locals(localSession).(*session.Session)
	acc, ok := c.Locals(localAccount).(*account.Account)
	if !ok { // a change handler cleared it: read the account as it is now
		var err error
		acc, err = a.d.Accounts.ByID(c.UserContext(), sess.AccountID)
		if errors.Is(err, account.ErrNotFound) {
			return errcode.New(errcode.SessionExpired)
		}
		if err != nil {
			return err
		}
	}
	me, err := a.meOf(c, acc, sess)
	if err != nil {
		return err
	}
	return c.JSON(me)
}

// meOf is the account as its owner sees it: personal information masked.
func (a *API) meOf(c *fiber.Ctx, acc *account.Account, sess *session.Session) (*api.Me, error) {
	me := &api.Me{
		AccountID:     acc.ID,
		DocType:       acc.DocType,
		DocNumber:     contact.MaskDocNumber(acc.DocNumber),
		Name:          contact.MaskName(acc.Name),
		FullName:      acc.Name,
		Sex:           acc.Sex,
		BirthDate:     maskDate(acc.BirthDate),
		Ethnicity:     acc.Ethnicity,
		Region:        acc.Region,
		PermitNumber:  contact.MaskPermitNumber(acc.PermitNumber),
		ValidityTerm:  acc.ValidityTerm,
		ValidFrom:     acc.ValidFrom,
		ValidUntil:    acc.ValidUntil,
		Email:         contact.MaskEmail(acc.Email),
		Phone:         contact.MaskPhone(acc.Phone),
		RealNameState: acc.RealName,
		CSRFToken:     a.d.Sessions.CSRFToken(sess),
	}
	if acc.PermitNumber == "" {
		me.PermitNumber = ""
	}
	if st := acc.Staged; st != nil {
		me.Staged = &api.StagedIdentity{Name: st.Name, ValidityTerm: st.ValidityTerm, ValidFrom: st.ValidFrom, ValidUntil: st.ValidUntil}
	}
	me.MoELinked = acc.MoESubject != ""
	if a.d.WeChat != nil {
		openid, err := a.d.WeChat.BoundOpenID(c.UserContext(), acc.ID)
		if err != nil {
			return nil, err
		}
		me.WeChatBound = openid != ""
	}
	return me, nil
}

func maskDate(d string) string {
	if len(d) >= 4 {
		return d[:4] + "-**-**"
	}
	return ""
}

// AccountOf returns the account of the request's session, or "" when no session was checked.
func AccountOf(c *fiber.Ctx) string {
	if sess, ok := c.Locals(localSession).(*session.Session); ok {
		return sess.AccountID
	}
	return ""
}

// requireSession admits requests with a live session cookie.
// A page navigation (a link such as WeChat's OAuth start, opened as a page) without one is sent
// to 登录, which returns here afterwards; a script's request gets the JSON error.
func (a *API) requireSession(c *fiber.Ctx) error {
	token := c.Cookies(a.cookieName(c))
	sess, err := a.d.Sessions.Lookup(c.UserContext(), token)
	if errors.Is(err, session.ErrNoSession) {
		if c.Method() == fiber.MethodGet && c.Get("Sec-Fetch-Mode") == "navigate" {
			return c.Redirect("/login?return_to="+url.QueryEscape(c.OriginalURL()), fiber.StatusSeeOther)
		}
		if token == "" {
			return errcode.New(errcode.Unauthorized)
		}
		return errcode.New(errcode.SessionExpired)
	}
	if err != nil {
		return err
	}
	// An archived account's sessions end when it is archived; this check refuses any that a
	// race or another instance left behind. Every signed-in route passes here.
	// The account read here is kept for the handler, which would otherwise read and open it again.
	if sess.Kind == "applicant" {
		acc, err := a.d.Accounts.ByID(c.UserContext(), sess.AccountID)
		if errors.Is(err, account.ErrNotFound) {
			_ = a.d.Sessions.End(c.UserContext(), token)
			return errcode.New(errcode.SessionExpired)
		} else if err != nil {
			return err
		}
		c.Locals(localAccount, acc)
	}
	c.Locals(localSession, sess)
	return c.Next()
}

// checkCSRF admits writes that carry the session's CSRF token.
func (a *API) checkCSRF(c *fiber.Ctx) error {
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return c.Next()
	}
	sess := c.Locals(localSession).(*session.Session)
	if !a.d.Sessions.CheckCSRF(sess, c.Get("X-CSRF-Token")) {
		return errcode.New(errcode.CSRFFailed)
	}
	return c.Next()
}

// sameOrigin refuses writes that a browser marks as coming from another site: defence in depth
// under the CSRF token, and the only guard of the sign-in form itself (login CSRF).
func (a *API) sameOrigin(c *fiber.Ctx) error {
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return c.Next()
	}
	if site := c.Get("Sec-Fetch-Site"); site == "cross-site" {
		return errcode.New(errcode.CSRFFailed)
	}
	if origin := c.Get(fiber.HeaderOrigin); origin != "" && origin != "null" {
		u, err := url.Parse(origin)
		if err != nil || u.Host != string(c.Request().Host()) {
			return errcode.New(errcode.CSRFFailed)
		}
	}
	return c.Next()
}

// noStore keeps API answers, which carry personal information, out of every cache.
func (a *API) noStore(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Next()
}
