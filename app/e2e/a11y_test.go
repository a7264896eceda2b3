//go:build !js

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"jszg/server/testenv"
	"jszg/shared/errcode"
)

// axeVersion is the axe-core the Makefile installs (make axe).
const axeVersion = "4.14.1"

// axeSource is axe.min.js: $JSZG_AXE, else where make axe puts it.
func axeSource(tb testing.TB) string {
	tb.Helper()
	path := os.Getenv("JSZG_AXE")
	if path == "" {
		_, file, _, _ := runtime.Caller(0)
		path = filepath.Join(filepath.Dir(file), "..", "..", ".cache", "axe-"+axeVersion, "node_modules", "axe-core", "axe.min.js")
	}
	src, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("axe-core is not installed: run `make axe` (%v)", err)
	}
	return string(src)
}

// axeViolation is the part of an axe result a failure report needs.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target  []any  `json:"target"`
		Summary string `json:"failureSummary"`
	} `json:"nodes"`
}

// checkAxe runs axe-core on the page as it is and fails the test on every serious or critical
// violation, listing the rule, the elements and what is wrong with each.
func (b *browser) checkAxe(src, state string) {
	b.tb.Helper()
	if !eval[bool](b, `typeof window.axe !== "undefined"`) {
		eval[chromedp.Void](b, src)
	}
	raw := eval[json.RawMessage](b, `axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations)`)
	var vs []axeViolation
	if err := json.Unmarshal(raw, &vs); err != nil {
		b.tb.Fatal(err)
	}
	for _, v := range vs {
		if v.Impact != "serious" && v.Impact != "critical" {
			continue
		}
		var where []string
		for _, n := range v.Nodes {
			where = append(where, fmt.Sprintf("    %v: %s", n.Target, strings.ReplaceAll(n.Summary, "\n", "; ")))
		}
		b.tb.Errorf("axe, %s: %s %s (%s)\n%s", state, v.Impact, v.ID, v.Help, strings.Join(where, "\n"))
	}
}

// everyWay runs axe on the page state in both modes on both viewports, switching 关怀模式 with
// the page's own switch.
func (b *browser) everyWay(src, state string) {
	b.tb.Helper()
	for _, care := range []bool{false, true} {
		b.setCare(care)
		for _, phone := range []bool{true, false} {
			if phone {
				b.phone()
			} else {
				b.desktop()
			}
			b.checkAxe(src, fmt.Sprintf("%s (phone %v, 关怀模式 %v)", state, phone, care))
		}
	}
	b.setCare(false)
	b.phone()
}

func (b *browser) setCare(on bool) {
	b.tb.Helper()
	if eval[bool](b, `document.documentElement.classList.contains("care")`) != on {
		// A click event on the switch itself: it leaves the focus where it is and reaches the
		// switch under an open dialog's backdrop too.
		eval[chromedp.Void](b, `document.getElementById("care-switch").click()`)
		b.waitFor("关怀模式 to switch", fmt.Sprintf(`document.documentElement.classList.contains("care") === %v`, on))
	}
}

// key presses one key on whatever has the focus, as a keyboard does.
func (b *browser) key(k string, opts ...chromedp.KeyOption) {
	b.tb.Helper()
	b.must(chromedp.KeyEvent(k, opts...))
}

// tabTo presses Tab until the element id has the focus, and fails if it is not reached.
func (b *browser) tabTo(id string) {
	b.tb.Helper()
	for range 60 {
		if eval[string](b, `(document.activeElement || {}).id || ""`) == id {
			return
		}
		b.key(kb.Tab)
	}
	b.tb.Fatalf("Tab never reached #%s", id)
}

// typeHere types text into the focused field as an input method commits it.
func (b *browser) typeHere(text string) {
	b.tb.Helper()
	b.must(chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, input.InsertText, input.InsertTextParams{Text: text})
		return err
	}))
}

// pause waits as a person does between key presses.
func pause(d time.Duration) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(context.Context, *chromedp.Target) error {
		time.Sleep(d)
		return nil
	})
}

// solveCaptchaWithKeys reaches the slider with Tab and moves the tile with Page Up and the arrow
// keys at a person's uneven pace, then confirms with Enter.
func (b *browser) solveCaptchaWithKeys(env *testenv.Env) {
	b.tb.Helper()
	b.waitFor("a captcha puzzle", `(() => {
		const c = document.getElementById("captcha");
		return !!c && c.dataset.state === "ready" && !!c.dataset.captchaId;
	})()`)
	b.tabTo("captcha-handle")
	id := eval[string](b, `document.getElementById("captcha").dataset.captchaId`)
	ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
	defer cancel()
	x, err := env.CaptchaX(ctx, id)
	if err != nil {
		b.tb.Fatalf("captcha answer: %v", err)
	}
	const small, big = 3, 30
	var steps []chromedp.Action[chromedp.Void]
	for i := range x / big {
		steps = append(steps, chromedp.KeyEvent(kb.PageUp), pause(time.Duration(140+37*(i%3))*time.Millisecond))
	}
	for i := range (x%big + small/2) / small {
		steps = append(steps, chromedp.KeyEvent(kb.ArrowRight), pause(time.Duration(90+41*(i%4))*time.Millisecond))
	}
	steps = append(steps, pause(300*time.Millisecond), chromedp.KeyEvent(kb.Enter))
	b.must(steps...)
	// The form's own "solve the puzzle" may stand under the slider until it passes; any other
	// message is the server's refusal.
	b.waitFor("the captcha to pass", fmt.Sprintf(`(() => {
		const c = document.getElementById("captcha");
		if (c && c.dataset.state === "passed") return true;
		const e = document.getElementById("captcha-error");
		if (e && e.textContent && e.textContent !== %q) throw new Error("captcha refused: " + e.textContent);
		return false;
	})()`, errcode.CaptchaRequired.Message()))
}

// outboxCode waits for the newest SMS code to phone in the stand-in's outbox.
func outboxCode(b *browser, env *testenv.Env, phone string, after int) string {
	b.tb.Helper()
	deadline := time.Now().Add(actionTimeout)
	for {
		msgs, err := env.Outbox(phone)
		if err != nil {
			b.tb.Fatal(err)
		}
		if len(msgs) > after && msgs[0].Code != "" {
			return msgs[0].Code
		}
		if time.Now().After(deadline) {
			b.tb.Fatalf("no new SMS code for %s", phone)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestEveryoneCanUseIt is the acceptance in one browser: registering and signing in
// with the keyboard alone (the slide captcha with arrow keys), signing in with the code by SMS in
// place of the puzzle, and axe-core on every page, dialog and state the journeys pass through,
// in the standard mode and in 关怀模式, on a phone and a desktop: no serious or critical
// violation. It also checks what axe cannot: focus taken and given back by dialogs, Esc, the
// first error focused, text and target sizes in 关怀模式, and the six tabs in sight at 360 px.
func TestEveryoneCanUseIt(t *testing.T) {
	requireBrowser(t)
	t.Parallel()
	src := axeSource(t)
	env := testenv.Start(t)
	b := newBrowser(t)
	b.phone()
	a := newApplicant()

	// 注册 with the keyboard alone.
	b.open(env.URL+"/register", "register")
	b.everyWay(src, "注册")
	b.tabTo("register-submit")
	b.key(kb.Enter)
	b.waitFor("the first error to take the focus", `document.activeElement && document.activeElement.id === "doc_number"`)
	b.everyWay(src, "注册 with errors")

	b.typeHere(a.docNumber)
	b.tabTo("name")
	b.typeHere(a.name)
	b.tabTo("copy-dot")
	b.key(kb.Enter)
	b.waitText("#copy-dot-status", "已复制")
	b.key(kb.Tab)
	// The group of terms takes one Tab; the arrows choose 5年 → 10年 → 20年.
	b.waitFor("the first term focused", `document.activeElement && document.activeElement.name === "validity_term"`)
	b.key(kb.ArrowRight)
	b.waitFor("10年 chosen", `document.getElementById("validity_term-10y").checked`)
	b.must(pause(200 * time.Millisecond)) // a person's pace: the page answers each key
	b.key(kb.ArrowRight)
	b.waitFor("20年 chosen", `document.getElementById("validity_term-20y").checked`)
	b.tabTo("valid_from")
	b.typeHere(strings.ReplaceAll(a.validFrom, "-", ""))
	b.tabTo("password")
	b.waitFor("the date written YYYY-MM-DD", fmt.Sprintf(`document.getElementById("valid_from").value === %q`, a.validFrom))
	b.typeHere(a.password)
	b.tabTo("password_confirm")
	b.typeHere(a.password)
	b.tabTo("email")
	b.typeHere(a.email)
	b.tabTo("phone")
	b.typeHere(a.phone)
	b.solveCaptchaWithKeys(env)
	b.tabTo("send-code")
	b.key(kb.Enter)
	b.waitText("#code-notice", "验证码已发送")
	b.tabTo("code")
	b.typeHere(outboxCode(b, env, a.phone, 0))

	// The agreement opens in a dialog that takes the focus, keeps it, and gives it back on Esc.
	b.tabTo("open-agreement")
	b.key(kb.Enter)
	b.waitFor("the dialog to take the focus", `document.activeElement && document.activeElement.id === "agreement-dialog"`)
	b.everyWay(src, "注册协议 dialog")
	b.key(kb.Tab)
	b.key(kb.Tab)
	b.key(kb.Tab)
	b.waitFor("the focus to stay in the dialog", `document.getElementById("agreement-dialog").contains(document.activeElement)`)
	b.key(kb.Escape)
	b.waitFor("Esc to close it, focus back on the link", `document.getElementById("agreement-dialog") === null && document.activeElement.id === "open-agreement"`)
	b.tabTo("agreed")
	b.key(" ")
	b.waitFor("the box ticked", `document.getElementById("agreed").checked`)
	// The code request spent the pass: a new puzzle guards the registration.
	b.solveCaptchaWithKeys(env)
	b.tabTo("register-submit")
	b.key(kb.Enter)
	b.waitPage("login")
	b.waitText("#registered-notice", "注册成功")

	// 登录 with the keyboard alone.
	b.everyWay(src, "登录")
	b.tabTo("login-submit")
	b.key(kb.Enter)
	b.waitFor("the first error to take the focus", `document.activeElement && document.activeElement.id === "doc_number"`)
	b.everyWay(src, "登录 with errors")
	b.typeHere(a.docNumber)
	b.tabTo("password")
	b.typeHere(a.password)
	b.solveCaptchaWithKeys(env)
	b.tabTo("login-submit")
	b.key(kb.Enter)
	b.waitPage("profile")

	// 个人信息中心: the owner's name whole in the header, six tabs in sight on a phone, arrows
	// between them.
	b.waitFor("the identity", `(document.getElementById("me-doc-number") || {}).textContent > ""`)
	if got := b.text("#profile-name"); !strings.Contains(got, a.name) {
		t.Errorf("header greets %q, want the owner's whole name %s", got, a.name)
	}
	if n := eval[int](b, `[...document.querySelectorAll("[role=tab]")].filter(t => {
		const r = t.getBoundingClientRect();
		return r.width > 0 && r.left >= 0 && r.right <= window.innerWidth;
	}).length`); n != 6 {
		t.Errorf("%d of the 6 tabs in sight at 360 px", n)
	}
	b.everyWay(src, "个人信息中心")
	b.setCare(true)
	b.screenshot("profile-care-phone")
	if px := eval[float64](b, `parseFloat(getComputedStyle(document.querySelector(".fact dd")).fontSize)`); px < 18 {
		t.Errorf("关怀模式 main text %.1f px, want at least 18", px)
	}
	b.setCare(false)
	b.tabTo("tab-identity")
	b.key(kb.ArrowRight)
	b.waitFor("→ to choose the next tab", `document.activeElement.id === "tab-exam" && document.getElementById("tab-exam").getAttribute("aria-selected") === "true"`)
	b.everyWay(src, "个人信息中心, a record tab")
	b.key(kb.End)
	b.waitFor("End to choose the last tab", `document.activeElement.id === "tab-certificate"`)
	b.key(kb.Home)
	b.waitFor("Home to choose the first tab", `document.activeElement.id === "tab-identity"`)
	b.click("#wechat-bind")
	waitQR(b)
	b.everyWay(src, "个人信息中心, the bind QR code")
	b.click("#wechat-cancel")
	b.click("#logout")
	b.waitPage("login")

	// 登录 with the code by SMS in place of the puzzle, still by keyboard.
	b.tabTo("doc_number")
	b.typeHere(a.docNumber)
	b.tabTo("password")
	b.typeHere(a.password)
	b.tabTo("captcha-alt")
	b.key(kb.Enter)
	b.waitFor("the phone field focused", `document.activeElement.id === "captcha-phone"`)
	b.everyWay(src, "登录, the code in place of the puzzle")
	before := len(must(env.Outbox(a.phone)))
	b.typeHere(a.phone)
	b.tabTo("captcha-alt-send")
	b.key(kb.Enter)
	b.waitText("#captcha-alt-notice", "验证码已发送")
	b.tabTo("captcha-code")
	b.typeHere(outboxCode(b, env, a.phone, before))
	b.key(kb.Enter)
	b.waitFor("the code to stand for the puzzle", `document.querySelector("#captcha[data-state=passed]") !== null`)
	b.tabTo("login-submit")
	b.key(kb.Enter)
	b.waitPage("profile")
	b.click("#logout")
	b.waitPage("login")

	// 关怀模式 is remembered: a new page opens in it, with large text and targets.
	b.setCare(true)
	b.open(env.URL+"/login", "login")
	if !eval[bool](b, `document.documentElement.classList.contains("care")`) {
		t.Error("关怀模式 was not remembered")
	}
	if px := eval[float64](b, `parseFloat(getComputedStyle(document.body).fontSize)`); px < 18 {
		t.Errorf("关怀模式 body text %.1f px, want at least 18", px)
	}
	if h := eval[float64](b, `document.getElementById("login-submit").getBoundingClientRect().height`); h < 56 {
		t.Errorf("关怀模式 登录 button %.0f px high, want about 60", h)
	}
	b.screenshot("login-care-phone")
	b.open(env.URL+"/register", "register")
	b.waitFor("the puzzle image", `document.querySelector("#captcha[data-state=ready]") !== null`)
	b.screenshot("register-care-phone")
	b.setCare(false)

	// The pages no journey passes through, and 注册 with 微信扫码.
	b.click("#code_source-wechat")
	waitQR(b)
	b.everyWay(src, "注册, 微信扫码")
	b.open(env.URL+"/agreement", "agreement")
	b.everyWay(src, "注册协议")
	b.open(env.URL+"/nowhere", "notfound")
	b.everyWay(src, "页面不存在")
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
