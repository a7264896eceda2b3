package httpapi

import (
	"github.com/gofiber/fiber/v2"

	"jszg/shared/errcode"
)

// MaxURI bounds the request target (path and query). No route needs more than a few hundred
// characters; a longer one gets 414 before any handler or file lookup sees it.
const MaxURI = 2048

// contentSecurityPolicy lets the pages load only this server's own scripts, style sheets,
// pictures and the Wasm client: 'wasm-unsafe-eval' compiles app.wasm and allows no JavaScript
// eval; no inline script runs and no inline <style> applies (care.js, which sets 关怀模式 before
// the first paint, is a file of its own, and go-app's page loads app.js and wasm_exec.js as
// files). Only style attributes are allowed (style-src-attr), because go-app renders an
// element's Style() as one; they cannot run code. The captcha's pictures arrive as data: URLs;
// no page may be framed (clickjacking). webui sets the same policy on its pages.
const contentSecurityPolicy = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " +
	"style-src-elem 'self'; style-src-attr 'unsafe-inline'; img-src 'self' data:; font-src 'self'; " +
	"connect-src 'self'; manifest-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; " +
	"form-action 'self'; frame-ancestors 'none'"

// securityHeaders sets the security headers of every response and refuses oversized requests
// with a JSON answer instead of a reset connection or a 500.
func (a *API) securityHeaders(c *fiber.Ctx) error {
	h := &c.Response().Header
	h.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	h.Set(fiber.HeaderXFrameOptions, "DENY")
	h.Set(fiber.HeaderReferrerPolicy, "strict-origin-when-cross-origin")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set(fiber.HeaderContentSecurityPolicy, contentSecurityPolicy)
	if a.secure(c) {
		h.Set(fiber.HeaderStrictTransportSecurity, "max-age=31536000; includeSubDomains")
	}
	if len(c.Request().RequestURI()) > MaxURI {
		return errcode.New(errcode.URITooLong)
	}
	// The connection's limit is higher than MaxBody (see New), so a body a little over the
	// limit is read and answered with 413 rather than cut off mid-upload.
	if len(c.Body()) > MaxBody {
		return errcode.New(errcode.BodyTooLarge)
	}
	return c.Next()
}
