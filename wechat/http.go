package wechat

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"jszg/server/clock"
	"jszg/server/httpapi"
	"jszg/server/quota"
	"jszg/shared/api"
	"jszg/shared/errcode"
	"jszg/wechat/accesstoken"
	"jszg/wechat/binding"
	"jszg/wechat/scene"
	"jszg/wechat/serviceaccount"
)

const oauthStateTTL = 10 * time.Minute

// Mount registers the routes. public is the application root; authed is the signed-in group
// (/api/me, session and CSRF checked); accountOf returns the signed-in account's id.
//
//	public  GET|POST /wechat/callback                WeChat's pushes
//	public  POST     /api/wechat/scenes              {purpose:"register"} → Scene
//	public  GET      /api/wechat/scenes/:scene       → SceneStatus
//	public  GET      /api/wechat/scenes/:scene/qr.png
//	authed  POST     /wechat/scene                   → Scene (purpose bind)
//	authed  GET      /wechat                         → Binding (masked)
//	authed  DELETE   /wechat                         unbind
//	authed  GET      /wechat/oauth/start             302 to WeChat's snsapi_base authorization
//	authed  GET      /wechat/oauth/callback          binds, then 302 to the personal centre
func (s *Service) Mount(public, authed fiber.Router, accountOf func(*fiber.Ctx) string) {
	if g, ok := public.(*fiber.Group); ok {
		s.publicPrefix = strings.TrimSuffix(g.Prefix, "/")
	}
	public.Get("/wechat/callback", s.endpoint.Verify)
	public.Post("/wechat/callback", s.endpoint.Receive)
	public.Post("/api/wechat/scenes", s.createRegisterScene)
	public.Get("/api/wechat/scenes/:scene", s.sceneStatus)
	public.Get("/api/wechat/scenes/:scene/qr.png", s.sceneQR)

	h := handlers{s: s, accountOf: accountOf}
	authed.Post("/wechat/scene", h.createBindScene)
	authed.Get("/wechat", h.binding)
	authed.Delete("/wechat", h.unbind)
	authed.Get("/wechat/oauth/start", h.oauthStart)
	authed.Get("/wechat/oauth/callback", h.oauthCallback)
}

func (s *Service) createRegisterScene(c *fiber.Ctx) error {
	var req api.WeChatSceneRequest
	if err := httpapi.DecodeJSON(c, &req); err != nil {
		return err
	}
	if req.Purpose != api.WeChatPurposeRegister {
		return s.fail(c, errBadRequest)
	}
	return s.createScene(c, scene.PurposeRegister, "", "addr:"+httpapi.ClientAddr(c))
}

func (s *Service) createScene(c *fiber.Ctx, purpose, accountID, quotaKey string) error {
	ctx := c.UserContext()
	g, err := s.quotas.Take(ctx, "wechat_scene:"+quotaKey, ScenesPerHour, ScenesPerDay)
	if err != nil {
		return s.fail(c, err)
	}
	sc, err := s.scenes.Create(ctx, purpose, accountID)
	if err != nil {
		g.Release(ctx)
		return s.fail(c, err)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusCreated).JSON(api.WeChatScene{
		Scene:     sc.ID,
		QR:        s.publicPrefix + "/api/wechat/scenes/" + sc.ID + "/qr.png",
		ExpiresIn: int(sc.ExpiresAt.Sub(s.clk.Now()).Seconds()),
	})
}

func (s *Service) sceneStatus(c *fiber.Ctx) error {
	sc, err := s.scenes.Get(c.UserContext(), c.Params("scene"))
	if err != nil {
		return s.fail(c, err)
	}
	st, left := sc.StatusAt(s.clk.Now())
	out := api.WeChatSceneStatus{Status: st, ExpiresIn: left}
	if st == scene.StatusRejected {
		out.Code, out.Message = rejection(sc.Reason)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(out)
}

func (s *Service) sceneQR(c *fiber.Ctx) error {
	png, err := s.scenes.QR(c.UserContext(), c.Params("scene"))
	if err != nil {
		return s.fail(c, err)
	}
	c.Set(fiber.HeaderContentType, "image/png")
	// The image never changes for its scene and is useless after 5 minutes.
	c.Set(fiber.HeaderCacheControl, "private, max-age="+strconv.Itoa(int(scene.TTL.Seconds())))
	return c.Send(png)
}

// handlers are the signed-in routes.
type handlers struct {
	s         *Service
	accountOf func(*fiber.Ctx) string
}

func (h handlers) account(c *fiber.Ctx) (string, error) {
	acc := ""
	if h.accountOf != nil {
		acc = h.accountOf(c)
	}
	if acc == "" {
		return "", errUnauthorized
	}
	return acc, nil
}

func (h handlers) createBindScene(c *fiber.Ctx) error {
	acc, err := h.account(c)
	if err != nil {
		return h.s.fail(c, err)
	}
	return h.s.createScene(c, scene.PurposeBind, acc, "account:"+acc)
}

func (h handlers) binding(c *fiber.Ctx) error {
	acc, err := h.account(c)
	if err != nil {
		return h.s.fail(c, err)
	}
	b, err := h.s.bindings.Get(c.UserContext(), acc)
	out := api.WeChatBinding{}
	switch {
	case errors.Is(err, binding.ErrNotBound):
	case err != nil:
		return h.s.fail(c, err)
	default:
		out = api.WeChatBinding{Bound: true, OpenID: binding.MaskOpenID(b.OpenID), Via: b.Via,
			BoundAt: b.BoundAt.In(clock.China).Format("2006-01-02 15:04"), Followed: b.Followed}
		if !b.Followed && !b.UnfollowedAt.IsZero() {
			out.UnfollowedAt = b.UnfollowedAt.In(clock.China).Format("2006-01-02 15:04")
		}
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(out)
}

func (h handlers) unbind(c *fiber.Ctx) error {
	acc, err := h.account(c)
	if err != nil {
		return h.s.fail(c, err)
	}
	if err := h.s.bindings.Unbind(c.UserContext(), acc); err != nil {
		return h.s.fail(c, err)
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// oauthStart sends the browser (inside WeChat) to the silent snsapi_base authorization. The
// state is random, kept in the store for 10 minutes and tied to the signed-in account, so a
// callback can neither be forged nor replayed into another account.
func (h handlers) oauthStart(c *fiber.Ctx) error {
	acc, err := h.account(c)
	if err != nil {
		return h.s.fail(c, err)
	}
	state := newState()
	now := h.s.clk.Now()
	if err := h.s.states.Put(c.UserContext(), state, acc, now.Add(oauthStateTTL)); err != nil {
		return h.s.fail(c, err)
	}
	base := h.s.cfg.PublicURL
	if base == "" {
		base = c.BaseURL()
	}
	back := base + strings.TrimSuffix(c.Path(), "/start") + "/callback"
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Redirect(h.s.client.AuthorizeURL(back, state), fiber.StatusFound)
}

func (h handlers) oauthCallback(c *fiber.Ctx) error {
	acc, err := h.account(c)
	if err != nil {
		return h.s.fail(c, err)
	}
	ctx := c.UserContext()
	code, state := c.Query("code"), c.Query("state")
	if state == "" || !h.consumeState(ctx, state, acc) || code == "" {
		return h.backToProfile(c, api.WeChatOAuthDenied)
	}
	openid, err := h.s.client.OpenIDByCode(ctx, code)
	if err != nil {
		h.s.log.Warn("wechat oauth: exchange code", "err", err)
		return h.backToProfile(c, api.WeChatOAuthUnavailable)
	}
	followed, err := h.s.client.Follows(ctx, openid)
	if err != nil {
		// Unknown: counted as following; a refused template message corrects it.
		h.s.log.Warn("wechat oauth: follower look-up", "err", err)
		followed = true
	}
	switch err := h.s.bindings.Bind(ctx, acc, openid, binding.ViaOAuth, followed); {
	case err == nil:
		return h.backToProfile(c, "")
	case errors.Is(err, binding.ErrOpenIDTaken):
		return h.backToProfile(c, api.WeChatOAuthOpenIDTaken)
	case errors.Is(err, binding.ErrAccountBound):
		return h.backToProfile(c, api.WeChatOAuthAccountBound)
	default:
		return h.s.fail(c, err)
	}
}

// consumeState uses up an OAuth state; true when it was the signed-in account's and fresh.
func (h handlers) consumeState(ctx context.Context, state, acc string) bool {
	owner, ok, err := h.s.states.Take(ctx, state, h.s.clk.Now())
	if err != nil {
		h.s.log.Warn("wechat oauth: state", "err", err)
		return false
	}
	return ok && owner == acc
}

func (h handlers) backToProfile(c *fiber.Ctx, reason string) error {
	q := url.Values{}
	if reason == "" {
		q.Set("wechat", "bound")
	} else {
		q.Set("wechat_error", reason)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Redirect(h.s.cfg.ProfilePath+"?"+q.Encode(), fiber.StatusFound)
}

var (
	errBadRequest   = errors.New("bad request")
	errUnauthorized = errors.New("not signed in")
)

// fail turns the WeChat routes' errors into error codes; the server's error handler makes them
// HTTP answers, as for every other route.
func (s *Service) fail(c *fiber.Ctx, err error) error {
	var apiErr *serviceaccount.APIError
	var ex *quota.Exceeded
	switch {
	case errors.As(err, &ex):
		return quota.Refusal(err, errcode.TooManyRequests)
	case errors.Is(err, errBadRequest):
		return errcode.New(errcode.BadRequest)
	case errors.Is(err, errUnauthorized):
		return errcode.New(errcode.Unauthorized)
	case errors.Is(err, scene.ErrNotFound):
		return errcode.New(errcode.WeChatSceneExpired)
	case errors.Is(err, binding.ErrNotBound):
		return errcode.New(errcode.WeChatNotBound)
	case errors.Is(err, binding.ErrAccountBound):
		return errcode.New(errcode.WeChatAccountBound)
	case errors.Is(err, binding.ErrOpenIDTaken):
		return errcode.New(errcode.WeChatOpenIDTaken)
	case errors.As(err, &apiErr), errors.Is(err, accesstoken.ErrUnavailable):
		s.log.Warn("wechat unavailable", "path", c.Path(), "err", err)
		return errcode.New(errcode.WeChatUnavailable)
	}
	return err
}

// rejection is the code and message of a refused binding scan, for the page that polls it: the
// same words the user just read in the WeChat chat.
func rejection(reason string) (string, string) {
	switch reason {
	case scene.ReasonOpenIDTaken:
		return string(errcode.WeChatOpenIDTaken), scene.RejectedOpenIDTaken
	case scene.ReasonAccountBound:
		return string(errcode.WeChatAccountBound), scene.RejectedAccountBound
	}
	return string(errcode.Forbidden), errcode.Forbidden.Message()
}

func newState() string {
	var b [18]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}
