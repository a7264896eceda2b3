// Package app is the applicant-facing Progressive Web App of the account centre, written with
// go-app: the pages 登录, 注册, 忘记密码, 个人信息中心 and 注册协议 as components. The same code runs twice:
// compiled to WebAssembly (app/wasm) it is the client in the browser, and linked into the server
// it prerenders each page's HTML so the first paint needs no Wasm. Rules (document numbers,
// names, passwords…) come from the project's shared packages so the client answers exactly as
// the server does; the pages only talk to the JSON API of jszg/shared/api.
package app

import (
	"sync"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Page paths. The server routes exactly these to the prerendering handler.
const (
	pathHome      = "/"
	pathLogin     = "/login"
	pathRegister  = "/register"
	pathProfile   = "/profile"
	pathAgreement = "/agreement"
	pathRealName  = "/realname"
	pathReview    = "/review"
	pathForgot    = "/forgot"
	// pathResetLink is the page the reset links of e-mail and WeChat open; the server writes
	// the same path into them.
	pathResetLink = "/reset/link"
)

var routesOnce sync.Once

// Routes registers every page with go-app's router. The Wasm main and the server both call it
// (the server so that pages prerender); calling it more than once is harmless.
func Routes() {
	routesOnce.Do(func() {
		app.Route(pathHome, func() app.Composer { return &loginPage{} })
		app.Route(pathLogin, func() app.Composer { return &loginPage{} })
		app.Route(pathRegister, func() app.Composer { return &registerPage{} })
		app.Route(pathProfile, func() app.Composer { return &profilePage{} })
		app.Route(pathAgreement, func() app.Composer { return &agreementPage{} })
		app.Route(pathRealName, func() app.Composer { return &realNamePage{} })
		app.Route(pathReview, func() app.Composer { return &reviewPage{} })
		app.Route(pathAdmin, func() app.Composer { return &adminPage{} })
		app.Route(pathForgot, func() app.Composer { return &forgotPage{} })
		app.Route(pathResetLink, func() app.Composer { return &resetLinkPage{} })
		// Anything else that reaches the client router (a mistyped in-app link) gets a Chinese
		// not-found page instead of go-app's default, which loads its icon from an outside host.
		app.RouteWithRegexp("^/", func() app.Composer { return &notFoundPage{} })
	})
}

// PagePaths lists the paths the server must answer with a prerendered page.
func PagePaths() []string {
	return []string{pathHome, pathLogin, pathRegister, pathProfile, pathAgreement, pathRealName, pathReview, pathAdmin, pathForgot, pathResetLink}
}

// isPage reports whether path is one of the app's own pages, which the client router can show
// without loading a new document.
func isPage(path string) bool {
	for _, p := range PagePaths() {
		if p == path {
			return true
		}
	}
	return false
}
