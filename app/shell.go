package app

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Wording shared by every page.
const (
	siteName    = "中国教师资格网"
	centreName  = "账号中心"
	footerText  = "©版权所有:中国教师资格网 京公网安备110402430002号"
	portalURL   = "https://www.jszg.edu.cn/"
	soonLabel   = "即将开放"
	msgOffline  = "网络已断开，您当前处于离线状态。恢复网络后即可继续办理。"
	msgUpdated  = "账号中心已更新，刷新页面即可使用新版本。"
	labelReload = "刷新"
)

// frame wraps a page's content in the site's header and footer. ready adds the mount marker
// (#app-ready with the page's name), rendered only once the page has mounted in the browser:
// prerendered HTML never carries it, so tests and the load-time benchmark can wait for it to
// know the Wasm client has taken over and the page reacts to input.
func frame(page string, ready bool, content ...app.UI) app.UI {
	return app.Div().Class("site", "site-"+page).Body(
		app.Header().Class("site-header").Body(
			app.Div().Class("wrap", "site-header-inner").Body(
				app.A().Class("brand").Href(pathLogin).Body(
					app.Img().Class("brand-logo").Src("/web/icon.svg").Alt("").Width(36).Height(36),
					app.Span().Class("brand-name").Text(siteName),
					app.Span().Class("brand-sub").Text(centreName),
				),
			),
		),
		&statusBar{},
		app.Main().Class("wrap", "site-main").Body(content...),
		app.Footer().Class("site-footer").Body(
			app.Div().Class("wrap").Text(footerText),
		),
		app.If(ready, func() app.UI {
			return app.Div().ID("app-ready").DataSet("page", page).Hidden(true)
		}),
	)
}

// markReady records when the page became interactive, as milliseconds since navigation start
// (window.jszgReadyAt), after the render that adds the mount marker. The load-time benchmark
// reads it; nothing else depends on it.
func markReady(ctx app.Context) {
	ctx.Defer(func(app.Context) {
		w := app.Window()
		if perf := w.Get("performance"); perf.Truthy() {
			w.Set("jszgReadyAt", perf.Call("now"))
		}
	})
}

// statusBar tells the user when the device is offline and when a new version of the app has
// been installed by the service worker.
type statusBar struct {
	app.Compo
	offline  bool
	updated  bool
	onOnline app.Func
	onOffln  app.Func
}

func (s *statusBar) OnMount(ctx app.Context) {
	s.offline = !app.Window().Get("navigator").Get("onLine").Bool()
	s.updated = ctx.AppUpdateAvailable()
	set := func(offline bool) app.Func {
		return app.FuncOf(func(app.Value, []app.Value) any {
			ctx.Dispatch(func(app.Context) { s.offline = offline })
			return nil
		})
	}
	s.onOnline, s.onOffln = set(false), set(true)
	app.Window().Call("addEventListener", "online", s.onOnline)
	app.Window().Call("addEventListener", "offline", s.onOffln)
}

func (s *statusBar) OnDismount() {
	if s.onOnline == nil {
		return
	}
	app.Window().Call("removeEventListener", "online", s.onOnline)
	app.Window().Call("removeEventListener", "offline", s.onOffln)
	s.onOnline.Release()
	s.onOffln.Release()
}

func (s *statusBar) OnAppUpdate(ctx app.Context) { s.updated = ctx.AppUpdateAvailable() }

func (s *statusBar) Render() app.UI {
	return app.Div().Class("status-bar").Body(
		app.If(s.offline, func() app.UI {
			return app.Div().ID("offline-notice").Class("notice", "notice-warn").Attr("role", "status").Text(msgOffline)
		}),
		app.If(s.updated, func() app.UI {
			return app.Div().Class("notice", "notice-info").Attr("role", "status").Body(
				app.Span().Text(msgUpdated),
				app.Button().Type("button").Class("btn", "btn-small", "btn-outline").Text(labelReload).
					OnClick(func(ctx app.Context, _ app.Event) { ctx.Reload() }),
			)
		}),
	)
}

// soon renders an entry of a feature that does not exist yet: visible, so the page matches
// what applicants know, but inert and marked 即将开放 rather than a link that leads nowhere.
func soon(label string) app.UI {
	return app.Span().Class("soon").Title(soonLabel).Body(
		app.Span().Text(label),
		app.Span().Class("soon-badge").Text(soonLabel),
	)
}

// soonButton is soon as a disabled button, for the action bars.
func soonButton(label string) app.UI {
	return app.Button().Type("button").Class("btn", "btn-ghost").Disabled(true).Title(soonLabel).Body(
		app.Span().Text(label),
		app.Span().Class("soon-badge").Text(soonLabel),
	)
}

// fieldRow renders one labelled form row: label (with * when required), the control, an
// optional tip and the field's error message, which is announced to screen readers.
func fieldRow(id, label string, required bool, errMsg string, control app.UI, extra ...app.UI) app.UI {
	return app.Div().Class("field").DataSet("field", id).
		Body(
			app.Label().Class("field-label").For(id).Body(
				app.If(required, func() app.UI { return app.Span().Class("req").Text("*") }),
				app.Text(label+"："),
			),
			app.Div().Class("field-control").Body(
				control,
				app.Range(extra).Slice(func(i int) app.UI { return extra[i] }),
				app.If(errMsg != "", func() app.UI {
					return app.Div().ID(id+"-error").Class("field-error").Attr("role", "alert").Text(errMsg)
				}),
			),
		)
}

// go-app prerenders a false boolean attribute as disabled="false", which HTML reads as
// disabled (checked, selected): the page would look wrong until the client takes over. These set
// such an attribute only when it holds.

func disabledIf(b app.HTMLButton, on bool) app.HTMLButton {
	if on {
		return b.Disabled(true)
	}
	return b
}

func checkedIf(in app.HTMLInput, on bool) app.HTMLInput {
	if on {
		return in.Checked(true)
	}
	return in
}

func selectedIf(o app.HTMLOption, on bool) app.HTMLOption {
	if on {
		return o.Selected(true)
	}
	return o
}

// invalidClass marks a control whose field has an error.
func invalidClass(errMsg string) string {
	if errMsg != "" {
		return "invalid"
	}
	return ""
}
