package app

import (
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Wording shared by every page.
const (
	siteName    = "中国教师资格网"
	centreName  = "账号中心"
	footerText  = "©版权所有：中国教师资格网 京公网安备110402430002号"
	portalURL   = "https://www.jszg.edu.cn/"
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
		app.A().Class("skip-link").Href("#main").Text("跳到主要内容"),
		app.Header().Class("site-header").Body(
			app.Div().Class("wrap", "site-header-inner").Body(
				app.A().Class("brand").Href(pathLogin).Body(
					app.Img().Class("brand-logo").Src("/web/icon.svg").Alt("").Attr("role", "presentation").Width(36).Height(36),
					app.Span().Class("brand-name").Text(siteName),
					app.Span().Class("brand-sub").Text(centreName),
				),
				&careSwitch{},
			),
		),
		&statusBar{},
		app.Main().ID("main").Class("wrap", "site-main").Attr("tabindex", "-1").Body(content...),
		app.Footer().Class("site-footer").Body(
			app.Div().Class("wrap").Text(footerText),
		),
		app.If(ready, func() app.UI {
			return app.Div().ID("app-ready").DataSet("page", page).Hidden(true)
		}),
	)
}

// careKey is where the browser remembers 关怀模式 (localStorage); web/care.js reads it before the
// first paint, so a page opens in the mode it was left in without a flash of the other.
const careKey = "jszg-care"

// careSwitch is the 关怀模式 switch in every page's header: larger text and targets, stronger
// contrast and a single column (web/jszg.css, html.care), for older applicants as the
// 适老化 programme asks. The choice is remembered on the device.
type careSwitch struct {
	app.Compo
	on bool
}

func (s *careSwitch) OnMount(app.Context) {
	s.on = app.Window().Get("document").Get("documentElement").Get("classList").Call("contains", "care").Bool()
}

func (s *careSwitch) toggle(ctx app.Context, _ app.Event) {
	s.on = !s.on
	w := app.Window()
	w.Get("document").Get("documentElement").Get("classList").Call("toggle", "care", s.on)
	// Private modes may refuse storage: the mode then lasts as long as the page.
	if store := w.Get("localStorage"); store.Truthy() {
		if s.on {
			store.Call("setItem", careKey, "1")
		} else {
			store.Call("removeItem", careKey)
		}
	}
}

func (s *careSwitch) Render() app.UI {
	label := "关怀模式"
	if s.on {
		label = "退出关怀模式"
	}
	return app.Button().ID("care-switch").Type("button").Class("care-switch").
		Attr("aria-pressed", s.on).Title("大字体、大按钮、高对比度").
		OnClick(s.toggle).Body(
		app.Span().Class("care-icon").Attr("aria-hidden", "true").Text("大"),
		app.Span().Text(label),
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

// fieldRow renders one labelled form row: label (with * when required), the control, an
// optional tip and the field's error message, which is announced to screen readers. The control
// names the error in its aria-describedby (see describedBy).
func fieldRow(id, label string, required bool, errMsg string, control app.UI, extra ...app.UI) app.UI {
	return app.Div().Class("field").DataSet("field", id).
		Body(
			app.Label().Class("field-label").For(id).Body(
				app.If(required, func() app.UI { return app.Span().Class("req").Attr("aria-hidden", "true").Text("*") }),
				app.Text(label+"："),
			),
			app.Div().Class("field-control").Body(
				control,
				app.Range(extra).Slice(func(i int) app.UI { return extra[i] }),
				fieldError(id, errMsg),
			),
		)
}

// groupRow is fieldRow for a group of controls (radio buttons, the captcha): a fieldset whose
// legend names the group, since a label can name only one control.
func groupRow(id, label string, required bool, errMsg string, control app.UI, extra ...app.UI) app.UI {
	fs := app.FieldSet().Class("field", "field-group").DataSet("field", id)
	if errMsg != "" {
		fs = fs.Attr("aria-describedby", id+"-error")
	}
	return fs.Body(
		app.Legend().Class("field-label").Body(
			app.If(required, func() app.UI { return app.Span().Class("req").Attr("aria-hidden", "true").Text("*") }),
			app.Text(label+"："),
		),
		app.Div().Class("field-control").Body(
			control,
			app.Range(extra).Slice(func(i int) app.UI { return extra[i] }),
			fieldError(id, errMsg),
		),
	)
}

func fieldError(id, errMsg string) app.UI {
	if errMsg == "" {
		return nil
	}
	return app.Div().ID(id+"-error").Class("field-error").Attr("role", "alert").Text(errMsg)
}

// describedBy is the aria-describedby of a control: its error first when it has one, then its
// tips; "" when there is nothing.
func describedBy(id, errMsg string, tips ...string) string {
	var ids []string
	if errMsg != "" {
		ids = append(ids, id+"-error")
	}
	return strings.Join(append(ids, tips...), " ")
}

// focus moves the keyboard focus to the element id once the render under way has put it on the
// page, for a dialog that opens or a control that replaces the one pressed. It waits through the
// browser's timers rather than ctx.Defer: what is deferred through the context of an element the
// render removes (the button pressed) is dropped with it.
func focus(_ app.Context, id string) {
	tries := 0
	var try app.Func
	try = app.FuncOf(func(app.Value, []app.Value) any {
		if el := app.Window().GetElementByID(id); el.Truthy() || tries >= 20 {
			if el.Truthy() {
				el.Call("focus")
			}
			try.Release()
			return nil
		}
		tries++
		app.Window().Call("setTimeout", try, 25)
		return nil
	})
	app.Window().Call("setTimeout", try, 0)
}

// focusNow moves the focus at once, for an element already on the page: a dialog that closes
// gives the focus back before it goes (what is deferred through the context of an element being
// removed is dropped with it).
func focusNow(id string) {
	if el := app.Window().GetElementByID(id); el.Truthy() {
		el.Call("focus")
	}
}

// focusFirstIn scrolls the row id into view and focuses its first control, the one a screen
// reader then reads with its error.
func focusFirstIn(ctx app.Context, id string) {
	ctx.Defer(func(app.Context) {
		row := app.Window().GetElementByID(id)
		if !row.Truthy() {
			return
		}
		row.Call("scrollIntoView", map[string]any{"block": "center"})
		el := row.Call("querySelector", `input:not([readonly]):checked, input:not([readonly]):not([type=radio]), select, [role=slider], input[type=radio], button`)
		if el.Truthy() {
			el.Call("focus", map[string]any{"preventScroll": true})
		}
	})
}

// dialog renders a modal dialog: it is named by its title (titleID), keeps the focus inside
// while open (Tab and Shift+Tab go round its controls) and closes on Esc. The page focuses it
// when it opens (focus(ctx, id)) and gives the focus back to what opened it when it closes.
func dialog(id, role, titleID string, onClose func(ctx app.Context), body ...app.UI) app.UI {
	return app.Div().Class("dialog-backdrop").Body(
		app.Div().ID(id).Class("dialog").Attr("role", role).Attr("aria-modal", "true").
			Attr("aria-labelledby", titleID).Attr("tabindex", "-1").
			OnKeyDown(func(ctx app.Context, e app.Event) {
				switch e.Get("key").String() {
				case "Escape":
					e.PreventDefault()
					onClose(ctx)
				case "Tab":
					ctx.PreventUpdate()
					trapTab(ctx.JSSrc(), e)
				default:
					ctx.PreventUpdate()
				}
			}).
			Body(body...),
	)
}

// trapTab wraps Tab from the dialog's last control to its first, and Shift+Tab the other way.
func trapTab(dlg app.Value, e app.Event) {
	list := dlg.Call("querySelectorAll", `button:not([disabled]), a[href], input:not([disabled]), select, textarea, [tabindex="0"]`)
	n := list.Length()
	if n == 0 {
		e.PreventDefault()
		return
	}
	first, last := list.Index(0), list.Index(n-1)
	active := app.Window().Get("document").Get("activeElement")
	back := e.Get("shiftKey").Bool()
	switch {
	case back && (active.Equal(first) || active.Equal(dlg)):
		e.PreventDefault()
		last.Call("focus")
	case !back && active.Equal(last):
		e.PreventDefault()
		first.Call("focus")
	}
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

// inertIf marks a button unavailable for now (sending, counting down) without disabling it: a
// disabled button drops the keyboard focus to the page's start, so a keyboard user who pressed
// it would have to find their place again. The handler ignores presses meanwhile.
func inertIf(b app.HTMLButton, on bool) app.HTMLButton {
	return b.Attr("aria-disabled", on)
}

func disabledSelectIf(s app.HTMLSelect, on bool) app.HTMLSelect {
	if on {
		return s.Disabled(true)
	}
	return s
}

func readOnlyIf(in app.HTMLInput, on bool) app.HTMLInput {
	if on {
		return in.ReadOnly(true)
	}
	return in
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

// copyText puts text on the clipboard and reports whether the browser let it. The asynchronous
// Clipboard API needs a secure context and may be refused; the older copy command, which
// WeChat's browser still honours, is the fallback.
func copyText(text string) bool {
	w := app.Window()
	if cb := w.Get("navigator").Get("clipboard"); cb.Truthy() && w.Get("isSecureContext").Bool() {
		cb.Call("writeText", text)
		return true
	}
	doc := w.Get("document")
	area := doc.Call("createElement", "textarea")
	area.Set("value", text)
	area.Call("setAttribute", "readonly", "")
	area.Get("style").Set("position", "fixed")
	area.Get("style").Set("opacity", "0")
	doc.Get("body").Call("appendChild", area)
	area.Call("select")
	ok := doc.Call("execCommand", "copy").Bool()
	area.Call("remove")
	return ok
}
