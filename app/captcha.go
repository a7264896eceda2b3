package app

import (
	"fmt"
	"math"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"jszg/shared/api"
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
)

type captchaState int

const (
	captchaLoadingState captchaState = iota
	captchaReady
	captchaDragging
	captchaChecking
	captchaPassedState
	captchaBrokenState
)

// maxTrack is the most drag samples the API accepts.
const maxTrack = 200

// slideCaptcha is the 图形验证码 of a form: a background with a gap and a tile the user drags
// right with a real pointer drag (mouse, touch or pen, through pointer events). A solved puzzle
// yields a single-use pass the form sends with its next guarded request; after any such request
// the form calls reset for a fresh puzzle.
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
}

// load fetches a new puzzle; any pass not yet used is dropped with the old puzzle.
func (c *slideCaptcha) load(ctx app.Context) {
	c.gen++
	gen := c.gen
	c.state = captchaLoadingState
	c.pass, c.passTill = "", time.Time{}
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
	c.offset = 0
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
	answer := api.CaptchaAnswer{
		X:          int(math.Round(c.offset / c.scale)),
		DurationMS: int(math.Round(duration)),
		Track:      append([]int(nil), c.track...),
	}
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
				// A refused drag needs a new puzzle: the old one is spent.
				c.load(ctx)
				c.message = userMessage(err)
				return
			}
			c.state = captchaPassedState
			c.pass = p.Pass
			c.passTill = time.Now().Add(time.Duration(p.ExpiresIn) * time.Second)
			ctx.Defer(func(app.Context) { c.paint() })
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
	case captchaDragging:
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

// render draws the puzzle. errMsg is the form's message for the captcha field (e.g. "please
// solve the puzzle" when the form was submitted without it).
func (c *slideCaptcha) render(errMsg string) app.UI {
	p := c.puzzle
	showPuzzle := p != nil && c.state != captchaLoadingState && c.state != captchaBrokenState
	msg := c.message
	if msg == "" && c.state != captchaPassedState {
		// The form's "solve the puzzle first" no longer applies once it is solved.
		msg = errMsg
	}
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
	hint := captchaHint
	switch c.state {
	case captchaChecking:
		hint = captchaCheck
	case captchaPassedState:
		hint = captchaPassed
	}

	id, width := "", 0
	if p != nil {
		id, width = p.ID, p.Width
	}
	// data-captcha-id and data-width let browser tests find the puzzle and scale their drag.
	return app.Div().ID("captcha").Class("captcha").DataSet("state", c.stateName()).
		DataSet("captcha-id", id).DataSet("width", width).
		Style("max-width", maxWidth).Body(
		app.Div().ID("captcha-frame").Class("captcha-frame").Style("aspect-ratio", ratio).Body(
			app.If(showPuzzle, func() app.UI {
				return app.Div().Class("captcha-puzzle").Body(
					app.Img().Class("captcha-bg").Src(p.Image).Alt("拼图背景").Draggable(false),
					app.Img().ID("captcha-tile").Class("captcha-tile").Src(p.Tile).Alt("").Draggable(false).
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
			app.Span().Class("captcha-hint").Text(hint),
			app.Div().ID("captcha-handle").Class("captcha-handle").
				Attr("role", "slider").
				Attr("aria-label", captchaHint).
				Attr("aria-valuemin", 0).
				Attr("aria-valuemax", 100).
				Style("width", handleWidth(p)).
				On("pointerdown", c.onPointerDown).
				On("pointermove", c.onPointerMove).
				On("pointerup", c.onPointerUp).
				On("pointercancel", c.onPointerCancel).
				Body(app.Span().Class("captcha-arrow").Text(handleGlyph(c.state))),
		),
		app.Div().Class("captcha-foot").Body(
			app.If(msg != "", func() app.UI {
				return app.Div().ID("captcha-error").Class("field-error").Attr("role", "alert").Text(msg)
			}),
			app.If(c.state == captchaReady || c.state == captchaPassedState, func() app.UI {
				return app.Button().Type("button").Class("link-button", "captcha-refresh").Text(captchaRefresh).
					OnClick(func(ctx app.Context, _ app.Event) { c.reset(ctx) })
			}),
		),
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
