//go:build !js

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	cdplog "github.com/chromedp/cdproto/log"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"jszg/server/testenv"
)

// Generous bounds: two cores compile a 10 MB Wasm module in each fresh browser context.
const (
	pageTimeout   = 45 * time.Second
	actionTimeout = 20 * time.Second
)

// chromePath is the browser the tests drive, "" when none is installed.
var chromePath = findChrome()

// findChrome looks for Chromium or Chrome: $JSZG_CHROME first, then the usual names.
func findChrome() string {
	if p := os.Getenv("JSZG_CHROME"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	for _, p := range []string{"/usr/bin/chromium", "/usr/lib/chromium/chromium", "/opt/google/chrome/chrome"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

// requireBrowser skips the test without a browser and fails it without a built client.
func requireBrowser(tb testing.TB) {
	tb.Helper()
	if chromePath == "" {
		tb.Skip("no Chromium or Chrome found: install chromium (make deps-test) or set JSZG_CHROME")
	}
	if _, err := os.Stat(filepath.Join(testenv.WebDir(), "app.wasm.version")); err != nil {
		tb.Fatal("the web client is not built: run `go run ./app/cmd/webbuild` (make web) first")
	}
}

// shmRoomy reports whether /dev/shm has room for Chrome's shared memory (256 MB or more).
func shmRoomy() bool {
	var st syscall.Statfs_t
	if err := syscall.Statfs("/dev/shm", &st); err != nil {
		return false
	}
	return st.Bavail*uint64(st.Bsize) >= 256<<20
}

// browser is one tab in a browser context of its own (cookies, storage, cache and service
// workers as in a fresh profile) of the Chromium that the package's tests share.
type browser struct {
	tb  testing.TB
	ctx context.Context // the tab; no deadline, the browser lives as long as it

	mu         sync.Mutex
	console    []string
	exceptions []string
}

// chromium is the one browser process of the test binary, started by the first test that needs
// it and closed by TestMain: each journey starting Chromium of its own cost some two CPU-seconds
// more, sixteen times over, on the machine that also runs the other tests.
var chromium struct {
	once   sync.Once
	ctx    context.Context // the browser's first tab, kept open; journeys open theirs beside it
	cancel func()
	err    error
}

// TestMain closes the shared browser after the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if chromium.cancel != nil {
		chromium.cancel()
	}
	os.Exit(code)
}

// startChromium starts the shared browser, with a profile folder of its own that goes with it.
func startChromium() (context.Context, error) {
	chromium.once.Do(func() {
		profile, err := os.MkdirTemp("", "jszg-e2e-chromium-")
		if err != nil {
			chromium.err = err
			return
		}
		opts := append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(chromePath),
			chromedp.Headless,
			chromedp.NoSandbox,
			chromedp.DisableGPU,
			chromedp.NoFirstRun,
			chromedp.Flag("disable-quic", true),
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.UserDataDir(profile),
		)
		if shmRoomy() {
			// chromedp's defaults put Chrome's shared memory in the temporary folder, for
			// containers with a tiny /dev/shm; on disk it slows every large response (the
			// Wasm) and would distort the load-time figures.
			opts = append(opts, chromedp.Flag("disable-dev-shm-usage", false))
		}
		allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, cancelFirst := chromedp.NewContext(allocCtx)
		chromium.ctx = ctx
		chromium.cancel = func() {
			_ = chromedp.Cancel(ctx)
			cancelFirst()
			cancelAlloc()
			_ = os.RemoveAll(profile)
		}
		if err := chromedp.Do(ctx); err != nil {
			chromium.err = fmt.Errorf("start browser %s: %w", chromePath, err)
		}
	})
	return chromium.ctx, chromium.err
}

// newBrowser opens a tab in a new browser context of the shared Chromium for the test, and
// closes both when the test ends.
func newBrowser(tb testing.TB) *browser {
	tb.Helper()
	parent, err := startChromium()
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancelTab := chromedp.NewContext(parent, chromedp.WithNewBrowserContext())
	b := &browser{tb: tb, ctx: ctx}
	tb.Cleanup(func() {
		if err := chromedp.Cancel(ctx); err != nil {
			tb.Logf("closing the tab: %v", err)
		}
		cancelTab()
		b.report()
	})
	// Open the tab first: the console can only be listened to on a live tab.
	if err := chromedp.Do(ctx); err != nil {
		tb.Fatalf("open a tab in a new browser context: %v", err)
	}
	b.listen()
	return b
}

// listen keeps the page's console messages and uncaught exceptions: a Go panic in the client
// surfaces as one of them.
func (b *browser) listen() {
	console := chromedp.Events(b.ctx, cdpruntime.ConsoleAPICalled)
	exceptions := chromedp.Events(b.ctx, cdpruntime.ExceptionThrown)
	// The browser's own messages: refused requests, content security policy violations.
	entries := chromedp.Events(b.ctx, cdplog.EntryAdded)
	go func() {
		for ev, err := range entries {
			if err != nil {
				return
			}
			b.mu.Lock()
			b.console = append(b.console, fmt.Sprintf("browser %s: %s %s", ev.Entry.Level, ev.Entry.Text, ev.Entry.URL))
			b.mu.Unlock()
		}
	}()
	go func() {
		for ev, err := range console {
			if err != nil {
				return
			}
			var parts []string
			for _, a := range ev.Args {
				if a.Value != nil {
					parts = append(parts, strings.Trim(string(a.Value), `"`))
				} else {
					parts = append(parts, a.Description)
				}
			}
			b.mu.Lock()
			b.console = append(b.console, fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(parts, " ")))
			b.mu.Unlock()
		}
	}()
	go func() {
		for ev, err := range exceptions {
			if err != nil {
				return
			}
			text := ev.ExceptionDetails.Text
			if ev.ExceptionDetails.Exception != nil {
				text += " " + ev.ExceptionDetails.Exception.Description
			}
			b.mu.Lock()
			b.exceptions = append(b.exceptions, text)
			b.mu.Unlock()
		}
	}()
}

// report fails the test on uncaught page exceptions and shows the console of a failed test.
func (b *browser) report() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, e := range b.exceptions {
		b.tb.Errorf("uncaught exception in the page: %s", e)
	}
	// JSZG_E2E_CONSOLE=1 shows it for passing tests too, to look for warnings.
	if b.tb.Failed() || os.Getenv("JSZG_E2E_CONSOLE") == "1" {
		for _, l := range b.console {
			b.tb.Log(l)
		}
	}
}

// do runs actions with a deadline.
func (b *browser) do(timeout time.Duration, steps ...chromedp.Action[chromedp.Void]) error {
	ctx, cancel := context.WithTimeout(b.ctx, timeout)
	defer cancel()
	return chromedp.Do(ctx, steps...)
}

func (b *browser) must(steps ...chromedp.Action[chromedp.Void]) {
	b.tb.Helper()
	if err := b.do(actionTimeout, steps...); err != nil {
		b.tb.Fatalf("%v\n%s", err, b.pageState())
	}
}

// eval evaluates a JavaScript expression and decodes its value into T.
func eval[T any](b *browser, expr string) T {
	b.tb.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		b.tb.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// phone and desktop are the two viewports the product is checked at.
func (b *browser) phone() {
	b.tb.Helper()
	b.must(chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile))
}

func (b *browser) desktop() {
	b.tb.Helper()
	b.must(chromedp.EmulateViewport(1280, 800))
}

// open loads url and waits until the page named page has mounted in the client.
func (b *browser) open(url, page string) {
	b.tb.Helper()
	if err := b.do(pageTimeout, chromedp.Navigate(url)); err != nil {
		b.tb.Fatalf("open %s: %v", url, err)
	}
	b.waitPage(page)
}

// waitPage waits for the mount marker the app renders once the page is interactive.
func (b *browser) waitPage(page string) {
	b.tb.Helper()
	sel := fmt.Sprintf(`#app-ready[data-page=%q]`, page)
	if err := b.do(pageTimeout, chromedp.WaitReady(chromedp.CSS(sel))); err != nil {
		b.tb.Fatalf("page %q did not mount: %v\n%s", page, err, b.pageState())
	}
}

// waitFor waits until a JavaScript condition holds.
func (b *browser) waitFor(what, cond string) {
	b.tb.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](cond, chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
		b.tb.Fatalf("waiting for %s: %v\n%s", what, err, b.pageState())
	}
}

// pageState is what a failed wait shows of the page: its address, the focused element and the
// text a person sees, so that a journey failing once in a loaded run can be read afterwards.
func (b *browser) pageState() string {
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
		const a = document.activeElement;
		const text = (document.body ? document.body.innerText : "").replace(/\n+/g, " | ");
		return "at " + location.href + ", focus on " + (a ? a.tagName + "#" + a.id : "nothing") +
			"; the page says: " + text.slice(0, 1500);
	})()`))
	if err != nil {
		return "(the page could not be read: " + err.Error() + ")"
	}
	return s
}

// typeInto focuses the field, replaces its content with text as an input method would commit
// it (so Chinese text arrives as typed), and leaves the field, which triggers validation.
func (b *browser) typeInto(id, text string) {
	b.tb.Helper()
	sel := chromedp.ID(id)
	b.must(
		chromedp.WaitVisible(sel),
		chromedp.Focus(sel),
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.getElementById(%q).value = ""`, id)),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := cdp.Call(ctx, t, input.InsertText, input.InsertTextParams{Text: text})
			return err
		}),
		chromedp.Blur(sel),
	)
}

// setDate sets a date input the way its picker does (keyboard entry into date fields depends on
// the locale).
func (b *browser) setDate(id, value string) {
	b.tb.Helper()
	eval[chromedp.Void](b, fmt.Sprintf(`(() => {
		const el = document.getElementById(%q);
		el.focus();
		el.value = %q;
		el.dispatchEvent(new Event("input", {bubbles: true}));
		el.dispatchEvent(new Event("change", {bubbles: true}));
		el.blur();
	})()`, id, value))
}

// follow activates a link the way a keyboard user does, focused and Enter pressed: unlike a
// mouse click at the link's box it cannot miss when the page's layout is still settling (the
// login page's QR images arriving, for one).
func (b *browser) follow(sel string) {
	b.tb.Helper()
	b.must(chromedp.WaitVisible(chromedp.CSS(sel)), chromedp.Focus(chromedp.CSS(sel)), chromedp.KeyEvent(kb.Enter))
}

func (b *browser) click(sel string) {
	b.tb.Helper()
	b.must(chromedp.WaitVisible(chromedp.CSS(sel)), chromedp.Click(chromedp.CSS(sel)))
}

// text returns the text of the first element matching sel, "" when there is none.
func (b *browser) text(sel string) string {
	b.tb.Helper()
	return eval[string](b, fmt.Sprintf(`(document.querySelector(%q) || {}).textContent || ""`, sel))
}

// waitText waits until the element matching sel contains want.
func (b *browser) waitText(sel, want string) {
	b.tb.Helper()
	b.waitFor(fmt.Sprintf("%s to say %q", sel, want),
		fmt.Sprintf(`((document.querySelector(%q) || {}).textContent || "").includes(%q)`, sel, want))
}

func (b *browser) value(id string) string {
	b.tb.Helper()
	return eval[string](b, fmt.Sprintf(`document.getElementById(%q).value`, id))
}

// solveCaptcha drags the slider to the gap like a person: press on the handle, move right in
// small uneven steps over about half a second, release. The answer comes from the server's test
// harness; the drag itself goes through the browser's real pointer events.
func (b *browser) solveCaptcha(env *testenv.Env) {
	b.tb.Helper()
	b.waitFor("a captcha puzzle", `(() => {
		const c = document.getElementById("captcha");
		return !!c && c.dataset.state === "ready" && !!c.dataset.captchaId;
	})()`)
	type geometry struct {
		ID     string  `json:"id"`
		Width  float64 `json:"width"`
		FrameW float64 `json:"frameW"`
		X      float64 `json:"x"`
		Y      float64 `json:"y"`
	}
	raw := eval[json.RawMessage](b, `(() => {
		const c = document.getElementById("captcha");
		c.scrollIntoView({block: "center"});
		const f = document.getElementById("captcha-frame").getBoundingClientRect();
		const h = document.getElementById("captcha-handle").getBoundingClientRect();
		return {id: c.dataset.captchaId, width: Number(c.dataset.width), frameW: f.width,
			x: h.left + h.width / 2, y: h.top + h.height / 2};
	})()`)
	var g geometry
	if err := json.Unmarshal(raw, &g); err != nil {
		b.tb.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
	defer cancel()
	answer, err := env.CaptchaX(ctx, g.ID)
	if err != nil {
		b.tb.Fatalf("captcha answer: %v", err)
	}
	dist := float64(answer) * g.FrameW / g.Width

	mouse := func(typ input.DispatchMouseEventType, x float64, buttons int64) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			p := input.DispatchMouseEventParams{Type: typ, X: x, Y: g.Y, Buttons: buttons}
			if typ != input.DispatchMouseEventTypeMouseMoved || buttons != 0 {
				p.Button = input.MouseButtonLeft
			}
			if typ != input.DispatchMouseEventTypeMouseMoved {
				p.ClickCount = 1
			}
			_, err := cdp.Call(ctx, t, input.DispatchMouseEvent, p)
			return err
		})
	}
	steps := []chromedp.Action[chromedp.Void]{
		mouse(input.DispatchMouseEventTypeMouseMoved, g.X, 0),
		mouse(input.DispatchMouseEventTypeMousePressed, g.X, 1),
	}
	const n = 30
	for i := 1; i <= n; i++ {
		// Ease in and out, as a hand does; a constant-speed line is what a script would send.
		f := float64(i) / n
		eased := (1 - math.Cos(math.Pi*f)) / 2
		steps = append(steps,
			chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
				time.Sleep(18 * time.Millisecond) // the drag's pace, not a wait for the page
				return nil
			}),
			mouse(input.DispatchMouseEventTypeMouseMoved, g.X+dist*eased, 1),
		)
	}
	steps = append(steps, mouse(input.DispatchMouseEventTypeMouseReleased, g.X+dist, 0))
	b.must(steps...)
	b.waitFor("the captcha to pass", `(() => {
		const c = document.getElementById("captcha");
		if (!c) return false;
		if (c.dataset.state === "passed") return true;
		const e = document.getElementById("captcha-error");
		if (e && e.textContent) throw new Error("captcha refused: " + e.textContent);
		return false;
	})()`)
}

// screenshot saves the whole page as name.png: into docs/screenshots with JSZG_SCREENSHOTS=1
// (for the README), into the test's temporary folder otherwise.
func (b *browser) screenshot(name string) {
	b.tb.Helper()
	dir := b.tb.TempDir()
	if os.Getenv("JSZG_SCREENSHOTS") == "1" {
		_, file, _, _ := runtime.Caller(0)
		dir = filepath.Join(filepath.Dir(file), "..", "..", "docs", "screenshots")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			b.tb.Fatal(err)
		}
	}
	// Nothing focused, nothing mid-transition.
	eval[chromedp.Void](b, `document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)`)
	ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.tb.Fatal(err)
	}
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.tb.Fatal(err)
	}
	b.tb.Logf("screenshot %s", path)
}

// recordFetches counts the app's requests from now on, so a test can show that the client
// refused input without asking the server.
func (b *browser) recordFetches() {
	b.tb.Helper()
	eval[chromedp.Void](b, `(() => {
		window.__requests = [];
		if (window.__fetchWrapped) return;
		window.__fetchWrapped = true;
		const real = window.fetch.bind(window);
		window.fetch = (url, opts) => {
			window.__requests.push(((opts && opts.method) || "GET") + " " + url);
			return real(url, opts);
		};
	})()`)
}

func (b *browser) fetches() []string {
	b.tb.Helper()
	return eval[[]string](b, `window.__requests || []`)
}
