package app

import (
	"fmt"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"jszg/shared/api"
	"jszg/shared/errcode"
)

// Wording of the WeChat scan.
const (
	scanLoadingText = "正在生成二维码…"
	scanExpiredText = "二维码已过期"
	scanRefresh     = "刷新二维码"
	scanAgain       = "重新获取二维码"
)

// Local states of a scan besides the server's statuses (api.Scene…).
const (
	scanIdle    = ""        // no QR code asked for
	scanLoading = "loading" // asking for one
	scanFailed  = "failed"  // the request for one was refused or got no answer
)

// scanPollEvery is how often a page asks whether its QR code has been scanned.
const scanPollEvery = 2 * time.Second

// scanWatch is a temporary QR code of the service account (a scan scene) on a page, and the
// page's watch over it until the applicant has scanned it with WeChat: it counts down the code's
// 5 minutes, polls the scene's status every 2 seconds and stops at the first answer other than
// waiting. Registration uses it to have the code sent in the WeChat chat; the personal centre
// to bind the account.
//
// Like the slide captcha it is a plain value inside the page component. It keeps the page's own
// context (given to mount from OnMount): go-app drops what is dispatched through an element's
// context once that element is gone, and the buttons that start a scan (刷新二维码, 绑定微信)
// disappear as soon as they are pressed.
type scanWatch struct {
	ctx      app.Context
	create   func() (*api.WeChatScene, error)
	onChange func(ctx app.Context) // after every change of status once a QR code is shown

	scene     *api.WeChatScene
	status    string // scanIdle, scanLoading, scanFailed or an api.Scene… status
	message   string // why: a refused request, a rejected binding
	err       error  // the refused request, for the page to act on (a session that expired)
	expiresAt time.Time
	left      int // seconds, for the countdown
	polling   bool
	lastPoll  time.Time
	gen       int // the watch in progress; stop and every new QR code end the one before
}

// mount keeps the page's context; pages call it first in OnMount.
func (w *scanWatch) mount(ctx app.Context) { w.ctx = ctx }

// start shows a new QR code from create and watches it. onChange hears of every change of
// status (a code sent, a binding done or refused, the code expired, a failed request).
func (w *scanWatch) start(create func() (*api.WeChatScene, error), onChange func(app.Context)) {
	w.create, w.onChange = create, onChange
	w.renew()
}

// renew replaces the QR code with a new one (刷新二维码).
func (w *scanWatch) renew() {
	if w.create == nil {
		return
	}
	w.gen++
	gen, create, ctx := w.gen, w.create, w.ctx
	w.scene, w.status, w.message, w.err, w.polling = nil, scanLoading, "", nil, false
	ctx.Async(func() {
		sc, err := create()
		ctx.Dispatch(func(ctx app.Context) {
			if gen != w.gen {
				return
			}
			if err != nil {
				w.err = err
				w.set(ctx, scanFailed, userMessage(err))
				return
			}
			w.scene = sc
			w.status = api.SceneWaiting
			w.expiresAt = time.Now().Add(time.Duration(sc.ExpiresIn) * time.Second)
			w.left = sc.ExpiresIn
			w.lastPoll = time.Now()
			w.tick(gen)
		})
	})
}

// stop ends the watch; what is shown stays until the page hides it.
func (w *scanWatch) stop() {
	w.gen++
	w.polling = false
}

// resume watches again a QR code that was stopped while still waiting with time to spare, and
// reports whether there was one.
func (w *scanWatch) resume() bool {
	if w.status != api.SceneWaiting || time.Until(w.expiresAt) < 30*time.Second {
		return false
	}
	w.gen++
	w.polling = false
	w.tick(w.gen)
	return true
}

// sceneID is the scene of the QR code shown, "" when none is.
func (w *scanWatch) sceneID() string {
	if w.scene == nil {
		return ""
	}
	return w.scene.Scene
}

func (w *scanWatch) set(ctx app.Context, status, message string) {
	w.status, w.message = status, message
	if w.onChange != nil {
		w.onChange(ctx)
	}
}

// tick runs once a second while the QR code waits: the countdown from the wall clock (a
// throttled background tab still shows the right time when it comes back) and, every
// scanPollEvery, a status request unless one is under way.
func (w *scanWatch) tick(gen int) {
	w.ctx.After(time.Second, func(ctx app.Context) {
		if gen != w.gen || w.status != api.SceneWaiting {
			return
		}
		w.left = max(0, int(time.Until(w.expiresAt).Round(time.Second)/time.Second))
		if !w.polling && time.Since(w.lastPoll) >= scanPollEvery-100*time.Millisecond {
			w.poll(gen)
		}
		w.tick(gen)
	})
}

// poll asks the server for the scene's status. The server decides expiry too, so a scan in the
// last seconds is not lost to the page's clock.
func (w *scanWatch) poll(gen int) {
	w.polling = true
	w.lastPoll = time.Now()
	id, ctx := w.scene.Scene, w.ctx
	ctx.Async(func() {
		st, err := fetchSceneStatus(id)
		ctx.Dispatch(func(ctx app.Context) {
			if gen != w.gen {
				return
			}
			w.polling = false
			switch {
			case err != nil && (errorCode(err) == errcode.WeChatSceneExpired || w.left == 0):
				w.set(ctx, api.SceneExpired, "")
			case err != nil:
				// No answer this time: ask again at the next turn.
			case st.Status == api.SceneWaiting:
				w.expiresAt = time.Now().Add(time.Duration(st.ExpiresIn) * time.Second)
			default:
				w.set(ctx, st.Status, st.Message)
			}
		})
	})
}

// countdown is the time the QR code has left, as 4:59.
func (w *scanWatch) countdown() string {
	return fmt.Sprintf("%d:%02d", w.left/60, w.left%60)
}

// render shows the QR code (about 180 px) with caption under it and its countdown, or what
// became of it: done when the scan did its work, the message and 重新获取二维码 when it was
// refused, 刷新二维码 over the code when it expired. id names the block; data-scene and
// data-status let tests and the developer's phone page find the scene.
func (w *scanWatch) render(id, caption, done string) app.UI {
	st := w.status
	box := app.Div().ID(id).Class("wechat-scan").
		DataSet("status", st).DataSet("scene", w.sceneID()).
		Style("text-align", "center").Style("padding", "12px 8px").Style("margin-top", "8px").
		Style("background", "#fff").Style("border", "1px solid var(--line)").Style("border-radius", "var(--radius)")

	if st == api.SceneCodeSent || st == api.SceneBound || st == api.SceneVerified {
		return box.Body(
			app.P().ID(id+"-done").Class("hint", "hint-good").Attr("role", "status").Style("margin", "0 0 8px").
				Text("✓ "+done),
			// A proven reset has nothing to scan again for: a new code would throw the proof away.
			app.If(st != api.SceneVerified, func() app.UI {
				return app.Button().ID(id + "-again").Type("button").Class("link-button").Text(scanAgain).
					OnClick(func(app.Context, app.Event) { w.renew() })
			}),
		)
	}
	if st == api.SceneRejected || st == scanFailed {
		return box.Body(
			app.P().ID(id+"-error").Class("field-error").Attr("role", "alert").Style("margin", "0 0 8px").
				Text(orDefault(w.message, errcode.Internal.Message())),
			app.Button().ID(id+"-again").Type("button").Class("btn", "btn-small", "btn-outline").Text(scanAgain).
				OnClick(func(app.Context, app.Event) { w.renew() }),
		)
	}

	square := func(e app.HTMLDiv) app.HTMLDiv {
		return e.Style("position", "relative").Style("width", "180px").Style("max-width", "100%").
			Style("aspect-ratio", "1").Style("margin", "0 auto 8px")
	}
	var qr app.UI
	if w.scene == nil {
		qr = square(app.Div()).Style("display", "flex").Style("align-items", "center").Style("justify-content", "center").
			Style("background", "#f7f8fa").Style("border", "1px solid var(--line)").Style("border-radius", "4px").
			Style("color", "var(--ink-3)").Style("font-size", "13px").
			Text(scanLoadingText)
	} else {
		expired, opacity := st == api.SceneExpired, "1"
		if expired {
			opacity = ".15"
		}
		qr = square(app.Div()).Body(
			app.Img().ID(id+"-qr").Src(w.scene.QR).Alt("中国教师资格网服务号二维码").Width(180).Height(180).
				Draggable(false).
				Style("display", "block").Style("width", "100%").Style("height", "100%").
				Style("border", "1px solid var(--line)").Style("border-radius", "4px").Style("background", "#fff").
				Style("opacity", opacity),
			app.If(expired, func() app.UI {
				return app.Div().Style("position", "absolute").Style("inset", "0").
					Style("display", "flex").Style("flex-direction", "column").Style("gap", "8px").
					Style("align-items", "center").Style("justify-content", "center").Body(
					app.Span().ID(id+"-expired").Style("font-weight", "600").Text(scanExpiredText),
					app.Button().ID(id+"-refresh").Type("button").Class("btn", "btn-small", "btn-primary").Text(scanRefresh).
						OnClick(func(app.Context, app.Event) { w.renew() }),
				)
			}),
		)
	}
	return box.Body(
		qr,
		app.P().Style("margin", "0").Style("font-size", "14px").Style("color", "var(--ink)").Text(caption),
		app.If(st == api.SceneWaiting, func() app.UI {
			return app.P().ID(id+"-countdown").Class("field-tip").Attr("aria-live", "off").
				Text("二维码有效期剩余 " + w.countdown())
		}),
	)
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
