package app

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"jszg/shared/api"
	"jszg/shared/contact"
	"jszg/shared/errcode"
)

// Wording of the slide captcha.
const (
	captchaHint    = "向右拖动滑块填充拼图"
	captchaLoading = "正在加载拼图…"
	captchaBroken  = "拼图加载失败，点击重新加载"
	captchaCheck   = "正在验证…"
	captchaPassed  = "验证通过"
	captchaRefresh = "换一张"
	captchaKeys    = "键盘操作：按 → 键向右移动拼图（按住 Shift 每次移动更多），对准缺口后按回车键确认。"
	captchaAltOpen = "看不清或无法拖动？改用短信验证"
	captchaAltBack = "返回拼图验证"
	captchaAltHint = "我们将向您填写的手机号码发送验证码，输入验证码即可代替拼图。"
)

type captchaState int

const (
	captchaLoadingState captchaState = iota
	captchaReady
	captchaDragging
	captchaKeying // moved with the keyboard, not yet confirmed
	captchaChecking
	captchaPassedState
	captchaBrokenState
)

// maxTrack is the most drag samples the API accepts.
const maxTrack = 200

// slideCaptcha is the 图形验证码 of a form: a background with a gap and a tile the user drags
// right with a real pointer drag (mouse, touch or pen, through pointer events), or moves with the
// arrow keys and confirms with Enter. Someone who can do neither, or cannot see the picture,
// switches to a code by SMS in place of the puzzle (alt). A solved puzzle, or a right code,
// yields a single-use pass the form sends with its next guarded request; after any such request
// the form calls reset for a fresh puzzle (or a fresh code).
//
// It is a plain value inside the page component rather than a component of its own: go-app
// re-renders every ancestor of a component that changes, so a child would not save renders, and
// during a drag the tile is moved through the DOM directly (ctx.PreventUpdate) so the page is
// not re-rendered on every pointer move.
type slideCaptcha struct {
	puzzle   *api.Captcha
	state    captchaState
	message  string // shown under the slider: failure or network problem
	pass     string
	passTill time.Time
	gen      int // puzzle generation, so a late answer for an old puzzle is ignored

	// The drag in progress, in display pixels.
	startX   float64
	startAt  float64 // event timeStamp (ms)
	offset   float64
	maxShift float64
	scale    float64 // display pixels per image pixel
	track    []int

	// Keyboard moves: the tile's x in image pixels and the time of each press since the first.
	keyX     int
	keyTimes []int

	alt captchaAlt
	// phone is the number the form already has, offered for the code in place of the puzzle.
	phone string
}

// captchaAlt is the code by SMS in place of the puzzle.
type captchaAlt struct {
	on        bool
	phone     string
	code      string
	sending   bool
	resendAt  time.Time
	countdown int
	notice    string
}

// load fetches a new puzzle; any pass not yet used is dropped with the old puzzle. With the code
// in place of the puzzle, a new code is needed instead.
func (c *slideCaptcha) load(ctx app.Context) {
	c.gen++
	gen := c.gen
	c.pass, c.passTill = "", time.Time{}
	c.keyX, c.keyTimes = 0, nil
	if c.alt.on {
		c.state = captchaReady
		c.alt.code, c.alt.notice = "", ""
		return
	}
	c.state = captchaLoadingState
	ctx.Async(func() {
		p, err := fetchCaptcha()
		ctx.Dispatch(func(ctx app.Context) {
			if gen != c.gen {
				return
			}
			if err != nil {
				c.state = captchaBrokenState
				c.message = userMessage(err)
				return
			}
			c.puzzle = p
			c.state = captchaReady
			c.offset = 0
			ctx.Defer(func(app.Context) { c.paint() })
		})
	})
}

// reset replaces the puzzle after its pass was used (or refused) and clears the message.
func (c *slideCaptcha) reset(ctx app.Context) {
	c.message = ""
	c.load(ctx)
}

// takePass returns the pass if the puzzle is solved and the pass is still valid. An expired
// pass is dropped and a new puzzle loaded.
func (c *slideCaptcha) takePass(ctx app.Context) (string, bool) {
	if c.state != captchaPassedState || c.pass == "" {
		return "", false
	}
	if time.Now().After(c.passTill) {
		c.message = errcode.CaptchaExpired.Message()
		c.load(ctx)
		return "", false
	}
	return c.pass, true
}

// solved reports whether the user has solved the current puzzle.
func (c *slideCaptcha) solved() bool { return c.state == captchaPassedState }

func (c *slideCaptcha) onPointerDown(ctx app.Context, e app.Event) {
	if c.state != captchaReady || c.puzzle == nil {
		return
	}
	if b := e.Get("button"); b.Truthy() && b.Int() != 0 {
		return // only the primary button drags
	}
	e.PreventDefault()
	frame := app.Window().GetElementByID("captcha-frame")
	if !frame.Truthy() {
		return
	}
	width := frame.Call("getBoundingClientRect").Get("width").Float()
	if width <= 0 || c.puzzle.Width <= 0 {
		return
	}
	c.scale = width / float64(c.puzzle.Width)
	c.maxShift = width - float64(c.puzzle.TileWidth)*c.scale
	c.startX = e.Get("clientX").Float()
	c.startAt = e.Get("timeStamp").Float()
	c.offset, c.keyX = 0, 0
	// The first sample is where the tile rests, as the server expects a drag to begin.
	c.track = append(c.track[:0], 0)
	c.message = ""
	c.state = captchaDragging
	// Capture keeps the moves coming to the handle when the finger leaves it.
	ctx.JSSrc().Call("setPointerCapture", e.Get("pointerId"))
}

func (c *slideCaptcha) onPointerMove(ctx app.Context, e app.Event) {
	ctx.PreventUpdate()
	if c.state != captchaDragging {
		return
	}
	e.PreventDefault()
	c.offset = math.Max(0, math.Min(c.maxShift, e.Get("clientX").Float()-c.startX))
	c.record()
	c.paint()
}

func (c *slideCaptcha) onPointerUp(ctx app.Context, e app.Event) {
	if c.state != captchaDragging {
		ctx.PreventUpdate()
		return
	}
	duration := e.Get("timeStamp").Float() - c.startAt
	if c.offset < 3 {
		// A tap, not a drag: nothing to check.
		c.state = captchaReady
		c.offset = 0
		ctx.Defer(func(app.Context) { c.paint() })
		return
	}
	c.record()
	c.solve(ctx, api.CaptchaAnswer{
		X:          int(math.Round(c.offset / c.scale)),
		DurationMS: int(math.Round(duration)),
		Track:      append([]int(nil), c.track...),
		Input:      api.CaptchaPointer,
	})
}

// solve sends the one attempt the puzzle allows.
func (c *slideCaptcha) solve(ctx app.Context, answer api.CaptchaAnswer) {
	c.state = captchaChecking
	ctx.Defer(func(app.Context) { c.paint() })
	id, gen := c.puzzle.ID, c.gen
	ctx.Async(func() {
		p, err := solveCaptcha(id, answer)
		ctx.Dispatch(func(ctx app.Context) {
			if gen != c.gen {
				return
			}
			if err != nil {
				// A refused attempt needs a new puzzle: the old one is spent.
				c.load(ctx)
				c.message = userMessage(err)
				return
			}
			c.passed(ctx, p)
		})
	})
}

func (c *slideCaptcha) passed(ctx app.Context, p *api.CaptchaPass) {
	c.state = captchaPassedState
	c.pass = p.Pass
	c.passTill = time.Now().Add(time.Duration(p.ExpiresIn) * time.Second)
	ctx.Defer(func(app.Context) { c.paint() })
}

// onKeyDown moves the tile with the keyboard, as the slider pattern of WAI-ARIA does: → and ↑
// one step right, ← and ↓ one step left, with Shift or as Page Up/Down a big step, Home back to
// the start (the attempt begins again), Enter or Space to confirm. Steps are in image pixels, the
// grid the server checks keyboard answers against.
func (c *slideCaptcha) onKeyDown(ctx app.Context, e app.Event) {
	if (c.state != captchaReady && c.state != captchaKeying) || c.puzzle == nil {
		ctx.PreventUpdate()
		return
	}
	step := api.CaptchaKeyStep
	if e.Get("shiftKey").Bool() {
		step = api.CaptchaKeyBigStep
	}
	move := 0
	switch e.Get("key").String() {
	case "ArrowRight", "ArrowUp":
		move = step
	case "ArrowLeft", "ArrowDown":
		move = -step
	case "PageUp":
		move = api.CaptchaKeyBigStep
	case "PageDown":
		move = -api.CaptchaKeyBigStep
	case "Home":
		e.PreventDefault()
		c.state, c.keyX, c.keyTimes, c.offset = captchaReady, 0, nil, 0
		ctx.Defer(func(app.Context) { c.paint() })
		return
	case "Enter", " ":
		// Enter would also submit the form around the slider.
		e.PreventDefault()
		if c.state == captchaKeying && c.keyX > 0 {
			c.solve(ctx, api.CaptchaAnswer{
				X:          c.keyX,
				DurationMS: int(math.Round(e.Get("timeStamp").Float() - c.startAt)),
				Track:      append([]int(nil), c.track...),
				Times:      append([]int(nil), c.keyTimes...),
				Input:      api.CaptchaKeyboard,
			})
		}
		return
	default:
		ctx.PreventUpdate()
		return
	}
	e.PreventDefault()
	limit := c.puzzle.Width - c.puzzle.TileWidth
	x := max(0, min(limit, c.keyX+move))
	if x == c.keyX || len(c.track) >= maxTrack {
		ctx.PreventUpdate()
		return
	}
	now := e.Get("timeStamp").Float()
	if c.state == captchaReady {
		c.state = captchaKeying
		c.startAt = now
		c.track = append(c.track[:0], 0)
		c.keyTimes = c.keyTimes[:0]
		c.message = ""
	}
	c.keyX = x
	c.track = append(c.track, x)
	c.keyTimes = append(c.keyTimes, int(math.Round(now-c.startAt)))
	if frame := app.Window().GetElementByID("captcha-frame"); frame.Truthy() && c.puzzle.Width > 0 {
		c.offset = float64(x) * frame.Call("getBoundingClientRect").Get("width").Float() / float64(c.puzzle.Width)
	}
	ctx.Defer(func(app.Context) { c.paint() })
}

// position is where the tile is, in image pixels, for the slider's aria-valuenow.
func (c *slideCaptcha) position() int {
	if c.state == captchaKeying || c.keyX > 0 {
		return c.keyX
	}
	if c.scale > 0 {
		return int(math.Round(c.offset / c.scale))
	}
	return 0
}

// useAlt switches between the puzzle and the code by SMS in place of it.
func (c *slideCaptcha) useAlt(ctx app.Context, on bool) {
	c.alt.on = on
	c.message = ""
	if on && c.alt.phone == "" {
		c.alt.phone = c.phone
	}
	c.load(ctx)
	focus(ctx, map[bool]string{true: "captcha-phone", false: "captcha-handle"}[on])
}

func (c *slideCaptcha) sendAltCode(ctx app.Context, _ app.Event) {
	if c.alt.sending || c.alt.countdown > 0 {
		return
	}
	phone, err := contact.NormalizePhone(c.alt.phone)
	if err != nil {
		c.message = errcode.PhoneInvalid.Message()
		focus(ctx, "captcha-phone")
		return
	}
	c.message, c.alt.notice, c.alt.sending = "", "", true
	ctx.Async(func() {
		res, err := sendCaptchaCode(phone)
		ctx.Dispatch(func(ctx app.Context) {
			c.alt.sending = false
			if err != nil {
				c.message = userMessage(err)
				var ae *apiError
				if errors.As(err, &ae) && ae.Body.RetryAfter > 0 {
					c.altCountdown(ctx, ae.Body.RetryAfter)
				}
				return
			}
			c.alt.notice = fmt.Sprintf("验证码已发送至手机 %s，%d分钟内有效。", contact.MaskPhone(phone), max(1, res.ExpiresIn/60))
			c.altCountdown(ctx, res.ResendAfter)
		})
	})
}

func (c *slideCaptcha) altCountdown(ctx app.Context, seconds int) {
	c.alt.resendAt = time.Now().Add(time.Duration(max(seconds, 1)) * time.Second)
	c.alt.countdown = seconds
	var tick func(app.Context)
	tick = func(ctx app.Context) {
		c.alt.countdown = max(0, int(time.Until(c.alt.resendAt).Round(time.Second)/time.Second))
		if c.alt.countdown > 0 {
			ctx.After(time.Second, tick)
		}
	}
	ctx.After(time.Second, tick)
}

func (c *slideCaptcha) checkAltCode(ctx app.Context) {
	if c.state == captchaChecking || c.state == captchaPassedState {
		return
	}
	phone, err := contact.NormalizePhone(c.alt.phone)
	if err != nil {
		c.message = errcode.PhoneInvalid.Message()
		focus(ctx, "captcha-phone")
		return
	}
	if len(strings.TrimSpace(c.alt.code)) != 6 {
		c.message = errcode.CodeRequired.Message()
		focus(ctx, "captcha-code")
		return
	}
	c.message, c.state = "", captchaChecking
	gen, code := c.gen, strings.TrimSpace(c.alt.code)
	ctx.Async(func() {
		p, err := checkCaptchaCode(phone, code)
		ctx.Dispatch(func(ctx app.Context) {
			if gen != c.gen {
				return
			}
			if err != nil {
				c.state = captchaReady
				c.message = userMessage(err)
				focus(ctx, "captcha-code")
				return
			}
			c.alt.notice = ""
			c.passed(ctx, p)
		})
	})
}

// onPointerCancel handles the browser taking the pointer away (a scroll gesture, a call).
func (c *slideCaptcha) onPointerCancel(ctx app.Context, _ app.Event) {
	if c.state != captchaDragging {
		ctx.PreventUpdate()
		return
	}
	c.state = captchaReady
	c.offset = 0
	ctx.Defer(func(app.Context) { c.paint() })
}

// record samples the drag in image pixels, thinning the samples when they exceed what the API
// accepts so the whole drag stays represented.
func (c *slideCaptcha) record() {
	x := int(math.Round(c.offset / c.scale))
	if n := len(c.track); n > 0 && c.track[n-1] == x {
		return
	}
	if len(c.track) >= maxTrack {
		thin := c.track[:0]
		for i := 0; i < len(c.track); i += 2 {
			thin = append(thin, c.track[i])
		}
		c.track = thin
	}
	c.track = append(c.track, x)
}

// paint moves the tile, the handle and the filled part of the track to the current offset.
// They are positioned here, never by rendered attributes, so renders and drags do not fight.
func (c *slideCaptcha) paint() {
	w := app.Window()
	shift := fmt.Sprintf("translateX(%.1fpx)", c.offset)
	for _, id := range []string{"captcha-tile", "captcha-handle"} {
		if el := w.GetElementByID(id); el.Truthy() {
			el.Get("style").Call("setProperty", "transform", shift)
		}
	}
	if el := w.GetElementByID("captcha-fill"); el.Truthy() {
		el.Get("style").Call("setProperty", "width", fmt.Sprintf("%.1fpx", c.offset))
	}
}

func (c *slideCaptcha) stateName() string {
	switch c.state {
	case captchaReady:
		return "ready"
	case captchaDragging, captchaKeying:
		return "dragging"
	case captchaChecking:
		return "checking"
	case captchaPassedState:
		return "passed"
	case captchaBrokenState:
		return "broken"
	}
	return "loading"
}

// render draws the puzzle, or the code in place of it. errMsg is the form's message for the
// captcha field (e.g. "please solve the puzzle" when the form was submitted without it).
func (c *slideCaptcha) render(errMsg string) app.UI {
	msg := c.message
	if msg == "" && c.state != captchaPassedState {
		// The form's "solve the puzzle first" no longer applies once it is solved.
		msg = errMsg
	}
	if c.alt.on {
		return c.renderAlt(msg)
	}
	p := c.puzzle
	showPuzzle := p != nil && c.state != captchaLoadingState && c.state != captchaBrokenState
	pct := func(part, whole int) string {
		if whole <= 0 {
			return "0%"
		}
		return fmt.Sprintf("%.4f%%", float64(part)*100/float64(whole))
	}
	maxWidth, ratio := "320px", "320 / 160"
	if p != nil && p.Width > 0 && p.Height > 0 {
		maxWidth = fmt.Sprintf("%dpx", p.Width)
		ratio = fmt.Sprintf("%d / %d", p.Width, p.Height)
	}
	hint, valueText := captchaHint, "未移动"
	switch c.state {
	case captchaChecking:
		hint, valueText = captchaCheck, captchaCheck
	case captchaPassedState:
		hint, valueText = captchaPassed, captchaPassed
	case captchaLoadingState:
		valueText = captchaLoading
	case captchaBrokenState:
		valueText = captchaBroken
	}
	if x := c.position(); x > 0 && c.state != captchaPassedState && c.state != captchaChecking {
		valueText = fmt.Sprintf("已向右移动%d像素", x)
	}

	id, width, limit := "", 0, 0
	if p != nil {
		id, width, limit = p.ID, p.Width, max(0, p.Width-p.TileWidth)
	}
	described := "captcha-keys"
	if msg != "" {
		described = "captcha-error captcha-keys"
	}
	// data-captcha-id and data-width let browser tests find the puzzle and scale their drag.
	return app.Div().ID("captcha").Class("captcha").DataSet("state", c.stateName()).
		DataSet("captcha-id", id).DataSet("width", width).
		Style("max-width", maxWidth).Body(
		app.Div().ID("captcha-frame").Class("captcha-frame").Style("aspect-ratio", ratio).Body(
			app.If(showPuzzle, func() app.UI {
				return app.Div().Class("captcha-puzzle").Body(
					app.Img().Class("captcha-bg").Src(p.Image).Alt("拼图背景图片，缺口在图中某处").Draggable(false),
					app.Img().ID("captcha-tile").Class("captcha-tile").Src(p.Tile).Alt("").Attr("role", "presentation").Draggable(false).
						Style("width", pct(p.TileWidth, p.Width)).
						Style("height", pct(p.TileHeight, p.Height)).
						Style("top", pct(p.TileY, p.Height)),
				)
			}).ElseIf(c.state == captchaBrokenState, func() app.UI {
				return app.Button().Type("button").Class("captcha-placeholder", "captcha-retry").Text(captchaBroken).
					OnClick(func(ctx app.Context, _ app.Event) { c.reset(ctx) })
			}).Else(func() app.UI {
				return app.Div().Class("captcha-placeholder").Text(captchaLoading)
			}),
		),
		app.Div().ID("captcha-slider").Class("captcha-slider").Body(
			app.Div().ID("captcha-fill").Class("captcha-fill"),
			app.Span().Class("captcha-hint").Attr("aria-hidden", "true").Text(hint),
			app.Div().ID("captcha-handle").Class("captcha-handle").
				Attr("role", "slider").
				Attr("tabindex", 0).
				Attr("aria-label", "图形验证码："+captchaHint).
				Attr("aria-valuemin", 0).
				Attr("aria-valuemax", limit).
				Attr("aria-valuenow", c.position()).
				Attr("aria-valuetext", valueText).
				Attr("aria-describedby", described).
				Attr("aria-invalid", msg != "").
				Style("width", handleWidth(p)).
				On("pointerdown", c.onPointerDown).
				On("pointermove", c.onPointerMove).
				On("pointerup", c.onPointerUp).
				On("pointercancel", c.onPointerCancel).
				OnKeyDown(c.onKeyDown).
				Body(app.Span().Class("captcha-arrow").Attr("aria-hidden", "true").Text(handleGlyph(c.state))),
		),
		app.Div().Class("captcha-foot").Body(
			app.If(msg != "", func() app.UI {
				return app.Div().ID("captcha-error").Class("field-error").Attr("role", "alert").Text(msg)
			}),
			app.If(c.state == captchaReady || c.state == captchaPassedState || c.state == captchaKeying, func() app.UI {
				return app.Button().ID("captcha-refresh").Type("button").Class("link-button", "captcha-refresh").Text(captchaRefresh).
					OnClick(func(ctx app.Context, _ app.Event) { c.reset(ctx) })
			}),
		),
		app.P().ID("captcha-keys").Class("field-tip").Text(captchaKeys),
		app.Button().ID("captcha-alt").Type("button").Class("link-button").Text(captchaAltOpen).
			OnClick(func(ctx app.Context, _ app.Event) { c.useAlt(ctx, true) }),
	)
}

// renderAlt is the code by SMS in place of the puzzle: the phone, 获取验证码, the code, 确认.
func (c *slideCaptcha) renderAlt(msg string) app.UI {
	a := &c.alt
	passed := c.state == captchaPassedState
	sendLabel := "获取验证码"
	switch {
	case a.sending:
		sendLabel = "正在发送…"
	case a.countdown > 0:
		sendLabel = fmt.Sprintf("%d秒后重新获取", a.countdown)
	}
	described := func(id string) string {
		if msg != "" {
			return "captcha-error " + id
		}
		return id
	}
	return app.Div().ID("captcha").Class("captcha", "captcha-alt").DataSet("state", c.stateName()).DataSet("mode", "sms").Body(
		app.P().ID("captcha-alt-hint").Class("field-tip").Text(captchaAltHint),
		app.If(passed, func() app.UI {
			return app.P().ID("captcha-alt-done").Class("hint", "hint-good").Attr("role", "status").Text("✓ 短信验证通过")
		}).Else(func() app.UI {
			return app.Div().Body(
				app.Label().Class("field-label").For("captcha-phone").Text("接收验证码的手机号码"),
				app.Div().Class("code-line").Body(
					app.Input().ID("captcha-phone").Type("tel").Class("input").
						Attr("autocomplete", "tel").Attr("inputmode", "numeric").MaxLength(11).
						Attr("aria-describedby", described("captcha-alt-hint")).
						Value(a.phone).
						OnInput(func(ctx app.Context, _ app.Event) { a.phone = ctx.JSSrc().Get("value").String() }),
					inertIf(app.Button().ID("captcha-alt-send").Type("button").Class("btn", "btn-outline", "btn-code"), a.sending || a.countdown > 0).
						Text(sendLabel).OnClick(c.sendAltCode),
				),
				app.If(a.notice != "", func() app.UI {
					return app.P().ID("captcha-alt-notice").Class("field-tip", "tip-ok").Attr("role", "status").Text(a.notice)
				}),
				app.Label().Class("field-label").For("captcha-code").Text("短信验证码"),
				app.Div().Class("code-line").Body(
					app.Input().ID("captcha-code").Type("text").Class("input").
						Attr("inputmode", "numeric").Attr("autocomplete", "one-time-code").MaxLength(6).
						Attr("aria-describedby", described("captcha-alt-hint")).
						Value(a.code).
						OnInput(func(ctx app.Context, _ app.Event) { a.code = ctx.JSSrc().Get("value").String() }).
						OnKeyDown(func(ctx app.Context, e app.Event) {
							if e.Get("key").String() == "Enter" {
								// Confirm the code, not submit the form around it.
								e.PreventDefault()
								c.checkAltCode(ctx)
							}
						}),
					disabledIf(app.Button().ID("captcha-alt-check").Type("button").Class("btn", "btn-primary", "btn-code"), c.state == captchaChecking).
						Text(buttonText(c.state == captchaChecking, "确认", "正在验证…")).
						OnClick(func(ctx app.Context, _ app.Event) { c.checkAltCode(ctx) }),
				),
			)
		}),
		app.If(msg != "", func() app.UI {
			return app.Div().ID("captcha-error").Class("field-error").Attr("role", "alert").Text(msg)
		}),
		app.Button().ID("captcha-alt-back").Type("button").Class("link-button").Text(captchaAltBack).
			OnClick(func(ctx app.Context, _ app.Event) { c.useAlt(ctx, false) }),
	)
}

// handleWidth makes the handle as wide as the displayed tile, so handle and tile move together
// pixel for pixel and a drag of d display pixels moves the tile by d.
func handleWidth(p *api.Captcha) string {
	if p == nil || p.Width <= 0 {
		return "48px"
	}
	return fmt.Sprintf("%.4f%%", float64(p.TileWidth)*100/float64(p.Width))
}

func handleGlyph(s captchaState) string {
	switch s {
	case captchaPassedState:
		return "✓"
	case captchaChecking:
		return "…"
	}
	return "→"
}
