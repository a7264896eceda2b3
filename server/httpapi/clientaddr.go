package httpapi

import (
	"net/netip"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// The client address: what every per-address limit, and the audit log, key on. Behind reverse
// proxies (JSZG_TRUSTED_PROXIES) the address is the rightmost one in X-Forwarded-For that is not
// a trusted proxy: each proxy appends the address it received from, so everything left of that is
// whatever the client chose to send and cannot be believed. An IPv6 client is keyed by its /64,
// because one subscriber holds a whole /64 and could otherwise rotate through 2^64 addresses.

const localAddr = "client_addr"

// proxies are parsed trusted proxies: single addresses and CIDR prefixes.
type proxies []netip.Prefix

func parseProxies(list []string) proxies {
	var out proxies
	for _, s := range list {
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p.Masked())
		} else if a, err := netip.ParseAddr(s); err == nil {
			out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
		}
	}
	return out
}

func (p proxies) trusted(a netip.Addr) bool {
	a = a.Unmap()
	for _, pr := range p {
		if pr.Contains(a) {
			return true
		}
	}
	return false
}

// resolve returns the client's address from the peer's address and the X-Forwarded-For values.
func (p proxies) resolve(peer string, forwarded []string) netip.Addr {
	addr, err := netip.ParseAddr(peer)
	if err != nil {
		return netip.Addr{}
	}
	addr = addr.Unmap()
	if !p.trusted(addr) {
		return addr
	}
	var hops []string
	for _, h := range forwarded {
		hops = append(hops, strings.Split(h, ",")...)
	}
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			// A hop a proxy did not write: what lies left of it is the client's invention.
			return addr
		}
		hop = hop.Unmap()
		if !p.trusted(hop) {
			return hop
		}
		addr = hop
	}
	return addr
}

// KeyOf is the key limits use for an address: IPv4 whole, IPv6 by its /64.
func KeyOf(a netip.Addr) string {
	if !a.IsValid() {
		return "unknown"
	}
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}

// clientAddr resolves the client address once per request.
func (a *API) clientAddr(c *fiber.Ctx) error {
	var fwd []string
	if len(a.proxies) > 0 {
		for _, v := range c.Request().Header.PeekAll(fiber.HeaderXForwardedFor) {
			fwd = append(fwd, string(v))
		}
	}
	c.Locals(localAddr, KeyOf(a.proxies.resolve(c.Context().RemoteIP().String(), fwd)))
	return c.Next()
}

// ClientAddr is the request's client address as limits key it (see clientAddr). Every route of
// the server, whichever package mounts it, uses it instead of Fiber's c.IP(), which behind a
// proxy returns the whole X-Forwarded-For header.
func ClientAddr(c *fiber.Ctx) string {
	if s, ok := c.Locals(localAddr).(string); ok {
		return s
	}
	return KeyOf(netip.Addr{})
}
