package httpapi

import (
	"net/netip"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"jszg/shared/errcode"
)

// DevOnly guards the developer pages (/dev/...), which show codes in clear and let anyone
// "scan" a QR code: only a client on this machine may use them (a loopback peer that no proxy
// forwarded), and their forms may be posted only from their own pages (the Origin, which every
// browser sends with a form post, must be this server), so that no other site can drive them.
func DevOnly(c *fiber.Ctx) error {
	peer, err := netip.ParseAddr(c.Context().RemoteIP().String())
	if err != nil || !peer.Unmap().IsLoopback() || len(c.Request().Header.Peek(fiber.HeaderXForwardedFor)) > 0 {
		return errcode.New(errcode.NotFound)
	}
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead:
		return c.Next()
	}
	if c.Get("Sec-Fetch-Site") == "cross-site" || c.Get("Sec-Fetch-Site") == "same-site" {
		return errcode.New(errcode.CSRFFailed)
	}
	origin := c.Get(fiber.HeaderOrigin)
	if origin == "" {
		// Not a browser's form post (a browser always sends Origin with one): a local tool.
		return c.Next()
	}
	if u, err := url.Parse(origin); err != nil || u.Host != string(c.Request().Host()) {
		return errcode.New(errcode.CSRFFailed)
	}
	return c.Next()
}
