// Package httpapi is the HTTP face of the account centre: Fiber handlers that decode a request
// type from shared/api, call a flow, and write the response. Handlers stay thin; errors become
// HTTP statuses in one place (errors.go); sessions, CSRF and the origin check are middleware.
package httpapi

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"jszg/server/account"
	"jszg/server/audit"
	"jszg/server/captcha"
	"jszg/server/clock"
	"jszg/server/codesend"
	"jszg/server/moelogin"
	"jszg/server/outbox"
	"jszg/server/passwordreset"
	"jszg/server/profile"
	"jszg/server/quota"
	"jszg/server/realname"
	"jszg/server/registration"
	"jszg/server/review"
	"jszg/server/session"
	"jszg/server/signin"
	"jszg/server/staff"
	"jszg/server/workdays"
	"jszg/shared/api"
	"jszg/shared/errcode"
)

// MaxBody bounds every request body. JSON requests are far smaller (maxJSON); the limit leaves
// room for the three ID photos of a manual review (each under 190 KB).
const (
	MaxBody = 1 << 20
	maxJSON = 64 << 10
)

// WeChatStatus tells whether an account is bound to the service account.
type WeChatStatus interface {
	BoundOpenID(ctx context.Context, accountID string) (string, error)
}

// Deps are what the handlers call.
type Deps struct {
	Log      *slog.Logger
	Clock    clock.Clock
	Captcha  *captcha.Service
	Quotas   *quota.Quotas
	SendCode *codesend.Flow
	Register *registration.Flow
	SignIn   *signin.Flow
	Sessions *session.Sessions
	Accounts *account.Accounts
	Audit    *audit.Log
	RealName *realname.Flow
	Review   *review.Flow
	// Staff signs the reviewer console's staff in; Calendar takes the years admins load.
	Staff    *staff.Service
	Calendar *workdays.Calendar
	// TellApplicant tells an applicant that an admin corrected their phone and e-mail (at the
	// phone they had); nil tells nobody.
	TellApplicant func(ctx context.Context, acc *account.Account, newPhone string)
	// Entries are the business systems' addresses by entry (认定, 定期注册).
	Entries map[string]string
	WeChat  WeChatStatus   // nil when the service account is not wired
	Outbox  *outbox.Outbox // nil unless the local stand-ins are on
	Health  func(ctx context.Context) error
	// TrustedProxies are believed for the client address (X-Forwarded-For).
	TrustedProxies []string

	// PasswordReset is 忘记密码, Profile the personal centre's changes, MoE 教育部账号登录.
	PasswordReset *passwordreset.Flow
	Profile       *profile.Flow
	MoE           *moelogin.Flow
	// PublicURL is this server's external base URL ("" takes it from each request).
	PublicURL string
	// FollowQR are the 订阅号 and 服务号 QR images of 登录 (PNG or JPEG bytes).
	FollowQR map[string][]byte
}

// API is the Fiber application and the router of signed-in routes, for other packages (WeChat
// binding, the web client) to mount theirs on.
type API struct {
	App    *fiber.App
	Authed fiber.Router // /api/me: session and CSRF checked
	d      Deps
	// proxies are the trusted reverse proxies (clientaddr.go).
	proxies proxies
}

// New builds the application with every API route.
func New(d Deps) *API {
	app := fiber.New(fiber.Config{
		AppName: "jszg",
		// securityHeaders answers 413 above MaxBody; a body up to this is read first, so the
		// client gets that answer instead of a reset connection.
		BodyLimit: 4 * MaxBody,
		// Request line and headers; larger ones get 431, a long request target 414 (MaxURI).
		ReadBufferSize:        16 << 10,
		ReadTimeout:           15 * time.Second,
		WriteTimeout:          30 * time.Second,
		IdleTimeout:           90 * time.Second,
		DisableStartupMessage: true,
		ErrorHandler:          ErrorHandler(d.Log),
		// Fiber's own proxy handling is off: it would make c.IP() the whole X-Forwarded-For
		// header. clientAddr reads the header instead (clientaddr.go).
	})
	a := &API{App: app, d: d, proxies: parseProxies(d.TrustedProxies)}
	app.Use(a.recoverPanics, a.accessLog, a.securityHeaders, a.clientAddr)
	app.Get("/healthz", a.healthz)

	r := app.Group("/api", a.noStore, a.sameOrigin)
	r.Get("/openapi.json", a.openapi)
	r.Get("/captcha", a.newCaptcha)
	r.Post("/captcha/:id", a.solveCaptcha)
	r.Post("/codes/sms", a.sendSMSCode)
	r.Post("/codes/captcha", a.sendCaptchaCode)
	r.Post("/codes/captcha/check", a.checkCaptchaCode)
	r.Post("/register", a.register)
	r.Post("/session", a.signIn)
	r.Delete("/session", a.requireSession, a.checkCSRF, a.signOut)
	r.Get("/me", a.requireSession, a.me)
	a.Authed = r.Group("/me", a.requireSession, a.checkCSRF)
	a.mountAccountRoutes(r)
	a.mountRealName()
	a.mountReview()
	a.mountAdmin(r)

	if d.Outbox != nil {
		app.Get("/dev/outbox.json", DevOnly, a.outboxJSON)
		app.Get("/dev/outbox", DevOnly, a.outboxPage)
	}
	return a
}

// NotFound answers unknown API paths with a JSON 404; call it after every route is mounted.
func (a *API) NotFound() {
	a.App.Use("/api", func(c *fiber.Ctx) error { return errcode.New(errcode.NotFound) })
}

// DecodeJSON reads a JSON body into v; every route of the server uses it, whichever package
// mounts the route. Only application/json is accepted: a cross-site HTML form cannot send it
// without a CORS preflight, which this server never grants.
func DecodeJSON(c *fiber.Ctx, v any) error {
	if !strings.HasPrefix(c.Get(fiber.HeaderContentType), fiber.MIMEApplicationJSON) {
		return errcode.New(errcode.BadRequest)
	}
	if len(c.Body()) > maxJSON {
		return errcode.New(errcode.BodyTooLarge)
	}
	if err := json.Unmarshal(c.Body(), v); err != nil {
		return errcode.New(errcode.BadRequest)
	}
	return nil
}

func (a *API) healthz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	if a.d.Health != nil {
		if err := a.d.Health(ctx); err != nil {
			return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "unavailable"})
		}
	}
	return c.JSON(fiber.Map{"status": "ok"})
}

// CaptchaPerAddress bounds the puzzles one client address may ask for. Drawing one costs about
// 13 ms of CPU, so an unbounded endpoint is an easy way to load the server; the bound is generous
// because a campus or a mobile carrier puts many applicants behind one address.
var CaptchaPerAddress = quota.Limit{Name: "captcha_addr", Max: 600, Window: quota.Fixed(10 * time.Minute)}

func (a *API) newCaptcha(c *fiber.Ctx) error {
	if _, err := a.d.Quotas.Take(c.UserContext(), "addr:"+ClientAddr(c), CaptchaPerAddress); err != nil {
		return quota.Refusal(err, errcode.TooManyRequests)
	}
	p, err := a.d.Captcha.Generate(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(p)
}

func (a *API) solveCaptcha(c *fiber.Ctx) error {
	var ans api.CaptchaAnswer
	if err := DecodeJSON(c, &ans); err != nil {
		return err
	}
	pass, err := a.d.Captcha.VerifyFrom(c.UserContext(), c.Params("id"), ClientAddr(c), ans)
	if err != nil {
		return err
	}
	return c.JSON(pass)
}

func (a *API) register(c *fiber.Ctx) error {
	var req api.RegisterRequest
	if err := DecodeJSON(c, &req); err != nil {
		return err
	}
	res, err := a.d.Register.Register(c.UserContext(), &req, ClientAddr(c))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(res)
}
