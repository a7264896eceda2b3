// Package webui serves the applicant PWA from the Fiber server: the prerendered pages of
// jszg/app through go-app's handler, the Wasm binary in the brotli or gzip copy that webbuild
// prepared (never compressed per request), the static files of the web folder under versioned,
// immutable URLs, the manifest with local icons, and the service worker that keeps the shell for
// repeat visits and offline use. It claims only the page paths, go-app's own resources and
// /web/; /api/ and /dev/ stay with the rest of the server.
package webui

import (
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"

	pages "jszg/app"
)

// Config says where the built client is and how the app presents itself.
type Config struct {
	// WebDir is the folder with app.wasm, its compressed copies and version (written by
	// `go run ./app/cmd/webbuild`) and the static assets. Default "web".
	WebDir string
	// Title is the pages' default <title>. Default "中国教师资格网 账号中心".
	Title string
	// Domain, when set, is used for the pages' og:url.
	Domain string
}

const (
	defaultTitle = "中国教师资格网 账号中心"
	appName      = "中国教师资格网 账号中心"
	appShortName = "教师资格网"
	description  = "中国教师资格网统一身份认证：注册账号，登录教师资格认定、定期注册业务，管理个人身份信息。"
	themeColor   = "#1d5aa8"
	background   = "#f4f6f9"
)

// goAppResources are the paths go-app's handler answers itself besides the pages.
var goAppResources = []string{
	"/app.js", "/app-worker.js", "/wasm_exec.js", "/app.css",
	"/manifest.webmanifest", "/manifest.json",
}

// Mount registers the PWA's routes on f. Call it after the API's routes. It does not fail
// when the client has not been built yet: pages then answer 503 with a message saying how to
// build it, and the built files are picked up as soon as they appear.
func Mount(f *fiber.App, cfg Config) error {
	if cfg.WebDir == "" {
		cfg.WebDir = "web"
	}
	if cfg.Title == "" {
		cfg.Title = defaultTitle
	}
	pages.Routes()
	s := newSite(cfg)

	toGoApp := func(c *fiber.Ctx) error {
		b, err := s.current()
		if err != nil {
			return notBuilt(c, err)
		}
		return b.goApp(c)
	}
	for _, p := range pages.PagePaths() {
		f.Get(p, toGoApp)
	}
	for _, p := range goAppResources {
		f.Get(p, toGoApp)
	}
	f.Get("/web/*", func(c *fiber.Ctx) error {
		b, err := s.current()
		if err != nil {
			return notBuilt(c, err)
		}
		return b.static(c, c.Params("*"))
	})
	// Browsers ask for /favicon.ico whatever the page says; answer with the icon rather than 404.
	f.Get("/favicon.ico", func(c *fiber.Ctx) error {
		b, err := s.current()
		if err != nil {
			return c.SendStatus(http.StatusNotFound)
		}
		return b.static(c, b.version+"/icon-192.png")
	})
	// Any other page address (a mistyped or outdated link) gets the client's Chinese not-found
	// page with a 404 status, not a JSON error: a person is looking at it. The API keeps its
	// JSON 404 (mounted before this).
	f.Get("/*", func(c *fiber.Ctx) error {
		if strings.HasPrefix(c.Path(), "/api/") {
			return c.Next()
		}
		if err := toGoApp(c); err != nil {
			return err
		}
		if c.Response().StatusCode() == http.StatusOK {
			c.Status(http.StatusNotFound)
		}
		return nil
	})
	return nil
}

// contentSecurityPolicy allows the page only its own origin: the Wasm needs
// 'wasm-unsafe-eval', go-app sets style attributes (style-src-attr; no inline <style> element
// and no inline script is allowed), the captcha's images are data: URLs, and no other site may
// frame the sign-in page. The same policy as httpapi's on every response.
const contentSecurityPolicy = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " +
	"style-src-elem 'self'; style-src-attr 'unsafe-inline'; img-src 'self' data:; font-src 'self'; " +
	"connect-src 'self'; manifest-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; " +
	"form-action 'self'; frame-ancestors 'none'"

// goApp answers through go-app's net/http handler.
func (b *build) goApp(c *fiber.Ctx) error {
	if err := adaptor.HTTPHandler(b.handler)(c); err != nil {
		return err
	}
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	if strings.HasPrefix(string(c.Response().Header.ContentType()), "text/html") {
		c.Set(fiber.HeaderContentSecurityPolicy, contentSecurityPolicy)
		c.Set(fiber.HeaderXFrameOptions, "DENY")
		c.Set(fiber.HeaderReferrerPolicy, "same-origin")
	}
	return nil
}

// notBuilt is the answer while web/app.wasm is missing: a page that says what to do, in
// Chinese for users and with the command for developers.
func notBuilt(c *fiber.Ctx, err error) error {
	c.Set("Cache-Control", "no-store")
	c.Set("Retry-After", "30")
	if strings.HasPrefix(c.Path(), "/web/") || c.Path() != "/" && strings.Contains(c.Path(), ".") {
		c.Status(http.StatusServiceUnavailable)
		return c.SendString("client not built: " + err.Error())
	}
	c.Status(http.StatusServiceUnavailable)
	c.Type("html", "utf-8")
	return c.SendString(`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">` +
		`<meta name="viewport" content="width=device-width, initial-scale=1"><title>` + defaultTitle + `</title></head>` +
		`<body style="font-family:sans-serif;max-width:40em;margin:3em auto;padding:0 1em;line-height:1.6">` +
		`<h1 style="font-size:1.25em">系统正在准备中，请稍后再试</h1>` +
		`<p>页面客户端尚未构建完成。</p>` +
		`<p style="color:#666">The web client has not been built: run <code>go run ./app/cmd/webbuild</code> ` +
		`(or <code>make</code>) and reload. (` + htmlEscape(err.Error()) + `)</p></body></html>`)
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}
