package httpapi

import (
	"errors"
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"jszg/server/account"
	"jszg/server/audit"
	"jszg/server/session"
	"jszg/server/staff"
	"jszg/server/workdays"
	"jszg/shared/api"
	"jszg/shared/contact"
	"jszg/shared/errcode"
)

// The staff session's cookie is not the applicants': a browser may hold both, and neither
// authenticates the other's routes.
const (
	staffCookiePlain  = "jszg_staff"
	staffCookieSecure = "__Host-jszg_staff"
	localStaff        = "staff"
	staffKind         = "staff"
)

func (a *API) staffCookie(c *fiber.Ctx) string {
	if c.Secure() {
		return staffCookieSecure
	}
	return staffCookiePlain
}

// mountAdmin adds the reviewer console's API under /api/admin.
func (a *API) mountAdmin(r fiber.Router) {
	if a.d.Staff == nil || a.d.Review == nil {
		return
	}
	adm := r.Group("/admin")
	adm.Post("/session", a.staffSignIn)
	signed := adm.Group("", a.requireStaff)
	signed.Delete("/session", a.staffSignOut)
	signed.Get("/me", a.staffMe)
	signed.Post("/password", a.staffPassword)
	// Past here a one-time password must have been changed.
	work := adm.Group("", a.requireStaff, a.passwordChanged)
	work.Get("/reviews", a.reviewQueue)
	work.Get("/reviews/:id", a.reviewCase)
	work.Post("/reviews/:id/claim", a.claimReview)
	work.Post("/reviews/:id/decision", a.decideReview)
	work.Get("/reviews/:id/photos/:kind", a.staffReviewPhoto)
	work.Get("/stats", a.reviewStats)
	admin := adm.Group("", a.requireStaff, a.passwordChanged, a.adminOnly)
	admin.Get("/audit", a.auditLog)
	admin.Get("/staff", a.listStaff)
	admin.Post("/staff", a.createStaff)
	admin.Post("/staff/:id/disabled", a.disableStaff)
	admin.Post("/accounts/contact", a.correctContact)
	admin.Post("/workdays", a.loadWorkdays)
}

func (a *API) staffSignIn(c *fiber.Ctx) error {
	var req api.StaffSignInRequest
	if err := DecodeJSON(c, &req); err != nil {
		return err
	}
	ctx := c.UserContext()
	m, err := a.d.Staff.SignIn(ctx, req.Username, req.Password, req.Code, c.IP())
	if err != nil {
		return err
	}
	if old := c.Cookies(a.staffCookie(c)); old != "" {
		_ = a.d.Sessions.End(ctx, old)
	}
	token, sess, err := a.d.Sessions.Start(ctx, m.ID, staffKind)
	if err != nil {
		return err
	}
	c.Cookie(&fiber.Cookie{Name: a.staffCookie(c), Value: token, Path: "/", Expires: sess.EndsAt, Secure: c.Secure(),
		HTTPOnly: true, SameSite: fiber.CookieSameSiteStrictMode})
	return c.JSON(api.StaffMe{Username: m.Username, Role: m.Role, MustChange: m.MustChange, CSRFToken: a.d.Sessions.CSRFToken(sess)})
}

// requireStaff admits requests with a live staff session of an enabled member, and checks the
// CSRF token of writes.
func (a *API) requireStaff(c *fiber.Ctx) error {
	sess, err := a.d.Sessions.Lookup(c.UserContext(), c.Cookies(a.staffCookie(c)))
	if errors.Is(err, session.ErrNoSession) {
		return errcode.New(errcode.Unauthorized)
	}
	if err != nil {
		return err
	}
	if sess.Kind != staffKind {
		return errcode.New(errcode.StaffOnly)
	}
	m, err := a.d.Staff.Store.ByID(c.UserContext(), sess.AccountID)
	if errors.Is(err, staff.ErrNotFound) || (err == nil && m.Disabled) {
		return errcode.New(errcode.Unauthorized)
	}
	if err != nil {
		return err
	}
	if c.Method() != fiber.MethodGet && !a.d.Sessions.CheckCSRF(sess, c.Get("X-CSRF-Token")) {
		return errcode.New(errcode.CSRFFailed)
	}
	c.Locals(localSession, sess)
	c.Locals(localStaff, m)
	return c.Next()
}

func staffOf(c *fiber.Ctx) *staff.Member { return c.Locals(localStaff).(*staff.Member) }

func (a *API) passwordChanged(c *fiber.Ctx) error {
	if staffOf(c).MustChange {
		return errcode.AtField("password", errcode.Forbidden)
	}
	return c.Next()
}

func (a *API) adminOnly(c *fiber.Ctx) error {
	if staffOf(c).Role != staff.RoleAdmin {
		return errcode.New(errcode.Forbidden)
	}
	return c.Next()
}

func (a *API) staffSignOut(c *fiber.Ctx) error {
	_ = a.d.Sessions.End(c.UserContext(), c.Cookies(a.staffCookie(c)))
	c.Cookie(&fiber.Cookie{Name: a.staffCookie(c), Value: "", Path: "/", Expires: time.Unix(1, 0), Secure: c.Secure(), HTTPOnly: true, SameSite: fiber.CookieSameSiteStrictMode})
	return c.SendStatus(fiber.StatusNoContent)
}

func (a *API) staffMe(c *fiber.Ctx) error {
	m, sess := staffOf(c), c.Locals(localSession).(*session.Session)
	return c.JSON(api.StaffMe{Username: m.Username, Role: m.Role, MustChange: m.MustChange, CSRFToken: a.d.Sessions.CSRFToken(sess)})
}

func (a *API) staffPassword(c *fiber.Ctx) error {
	var req api.StaffPasswordChange
	if err := DecodeJSON(c, &req); err != nil {
		return err
	}
	if err := a.d.Staff.ChangePassword(c.UserContext(), staffOf(c).ID, req.OldPassword, req.Password); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (a *API) reviewQueue(c *fiber.Ctx) error {
	list, err := a.d.Review.Queue(c.UserContext(), 200)
	if err != nil {
		return err
	}
	return c.JSON(list)
}

func (a *API) reviewCase(c *fiber.Ctx) error {
	rc, err := a.d.Review.Case(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(rc)
}

func (a *API) claimReview(c *fiber.Ctx) error {
	rc, err := a.d.Review.Claim(c.UserContext(), c.Params("id"), staffOf(c).Username)
	if err != nil {
		return err
	}
	return c.JSON(rc)
}

func (a *API) decideReview(c *fiber.Ctx) error {
	var req api.ReviewDecision
	if err := DecodeJSON(c, &req); err != nil {
		return err
	}
	rc, err := a.d.Review.Decide(c.UserContext(), c.Params("id"), staffOf(c).Username, req.Approve, req.Reason)
	if err != nil {
		return err
	}
	return c.JSON(rc)
}

func (a *API) staffReviewPhoto(c *fiber.Ctx) error {
	data, err := a.d.Review.Photo(c.UserContext(), c.Params("id"), c.Params("kind"), staffOf(c).Username, true, c.IP())
	if err != nil {
		return err
	}
	return sendPhoto(c, data)
}

func (a *API) reviewStats(c *fiber.Ctx) error {
	st, err := a.d.Review.Stats(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(st)
}

func (a *API) auditLog(c *fiber.Ctx) error {
	recs, err := a.d.Audit.List(c.UserContext(), c.Query("account"), 500)
	if err != nil {
		return err
	}
	out := make([]api.AuditRecord, 0, len(recs))
	for _, r := range recs {
		out = append(out, api.AuditRecord{At: r.At, Event: r.Event, AccountID: r.AccountID, Actor: r.Actor, Addr: r.Addr, Subject: r.Subject, Detail: r.Detail})
	}
	return c.JSON(out)
}

func memberOf(m *staff.Member) api.StaffMember {
	return api.StaffMember{ID: m.ID, Username: m.Username, Role: m.Role, Disabled: m.Disabled, CreatedAt: m.CreatedAt}
}

func (a *API) listStaff(c *fiber.Ctx) error {
	list, err := a.d.Staff.Store.List(c.UserContext())
	if err != nil {
		return err
	}
	out := make([]api.StaffMember, 0, len(list))
	for _, m := range list {
		out = append(out, memberOf(m))
	}
	return c.JSON(out)
}

func (a *API) createStaff(c *fiber.Ctx) error {
	var req api.NewStaffRequest
	if err := DecodeJSON(c, &req); err != nil {
		return err
	}
	e, err := a.d.Staff.Create(c.UserContext(), req.Username, req.Role, staffOf(c).Username)
	if errors.Is(err, staff.ErrTaken) {
		return errcode.AtField("username", errcode.BadRequest)
	}
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(api.NewStaffResponse{Member: memberOf(e.Member), Password: e.Password, TOTPURI: e.TOTPURI})
}

// disableStaff stops (or restarts) a member; a stopped member's sessions stop working at once,
// since every staff request loads the member. An admin cannot stop themself.
func (a *API) disableStaff(c *fiber.Ctx) error {
	var req api.StaffDisable
	if err := DecodeJSON(c, &req); err != nil {
		return err
	}
	id := c.Params("id")
	if id == staffOf(c).ID {
		return errcode.New(errcode.Forbidden)
	}
	m, err := a.d.Staff.Store.ByID(c.UserContext(), id)
	if errors.Is(err, staff.ErrNotFound) {
		return errcode.New(errcode.NotFound)
	}
	if err != nil {
		return err
	}
	if err := a.d.Staff.Store.SetDisabled(c.UserContext(), id, req.Disabled); err != nil {
		return err
	}
	a.d.Audit.Add(c.UserContext(), audit.Record{Event: staff.EventDisabled, Actor: staffOf(c).Username, Subject: m.Username,
		Detail: map[string]string{"disabled": map[bool]string{true: "yes", false: "no"}[req.Disabled]}})
	return c.SendStatus(fiber.StatusNoContent)
}

// correctContact is an admin's correction of an applicant's phone and e-mail (the applicant
// cannot change what they cannot prove): audited with both values masked.
func (a *API) correctContact(c *fiber.Ctx) error {
	var req api.ContactCorrection
	if err := DecodeJSON(c, &req); err != nil {
		return err
	}
	phone, err := contact.NormalizePhone(req.Phone)
	if err != nil {
		return errcode.AtField("phone", errcode.PhoneInvalid)
	}
	email, err := contact.NormalizeEmail(req.Email)
	if err != nil {
		return errcode.AtField("email", errcode.EmailInvalid)
	}
	ctx := c.UserContext()
	acc, err := a.d.Accounts.ByDocNumber(ctx, req.DocNumber)
	if errors.Is(err, account.ErrNotFound) {
		return errcode.AtField("doc_number", errcode.NotFound)
	}
	if err != nil {
		return err
	}
	if err := a.d.Accounts.SetContact(ctx, acc.ID, phone, email); err != nil {
		return err
	}
	a.d.Audit.Add(ctx, audit.Record{Event: staff.EventContactFixed, AccountID: acc.ID, Actor: staffOf(c).Username, Addr: c.IP(),
		Subject: contact.MaskDocNumber(acc.DocNumber), Detail: map[string]string{
			"phone_from": contact.MaskPhone(acc.Phone), "phone_to": contact.MaskPhone(phone),
			"email_from": contact.MaskEmail(acc.Email), "email_to": contact.MaskEmail(email)}})
	if a.d.TellApplicant != nil {
		a.d.TellApplicant(ctx, acc, phone)
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// loadWorkdays takes a year's holiday arrangement (the JSON of server/workdays/data) into the
// calendar and the store (every instance, every restart), and counts again the due dates of the
// pending reviews that run over that year.
func (a *API) loadWorkdays(c *fiber.Ctx) error {
	if a.d.Calendar == nil {
		return errcode.New(errcode.NotFound)
	}
	if len(c.Body()) > maxJSON {
		return errcode.New(errcode.BodyTooLarge)
	}
	ctx := c.UserContext()
	y, err := a.d.Calendar.Add(ctx, c.Body())
	if errors.Is(err, workdays.ErrInvalid) {
		return errcode.New(errcode.WorkdaysInvalid)
	}
	if err != nil {
		return err
	}
	n := 0
	if a.d.Review != nil {
		if n, err = a.d.Review.Redue(ctx, y.Year); err != nil {
			return err
		}
	}
	a.d.Audit.Add(ctx, audit.Record{Event: staff.EventWorkdaysAdded, Actor: staffOf(c).Username,
		Detail: map[string]string{"year": fmt.Sprint(y.Year), "source": y.Source, "recounted": fmt.Sprint(n)}})
	return c.JSON(api.WorkdaysYear{Year: y.Year, Years: a.d.Calendar.Years(), Recounted: n})
}
