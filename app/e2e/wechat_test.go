//go:build !js

package e2e

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"jszg/server/testenv"
	"jszg/shared/errcode"
	"jszg/wechat/wechatfake"
)

// wechatUA is a phone's WeChat in-app browser.
const wechatUA = "Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) " +
	"Chrome/120.0.0.0 Mobile Safari/537.36 MicroMessenger/8.0.47.2560(0x28002F35) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN"

// wechatPhone is the local stand-in's WeChat, told where the account centre takes its pushes.
func wechatPhone(t *testing.T, env *testenv.Env) *wechatfake.App {
	t.Helper()
	phone := env.Server.WeChat.StandIn()
	if phone == nil {
		t.Fatal("no WeChat stand-in")
	}
	phone.SetCallbackURL(env.URL + "/wechat/callback")
	return phone
}

// scan is a WeChat user scanning the page's QR code; it returns the chat reply.
func scan(t *testing.T, phone *wechatfake.App, openid, scene string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), actionTimeout)
	defer cancel()
	reply, err := phone.Scan(ctx, openid, scene)
	if err != nil {
		t.Fatalf("scan %s: %v", scene, err)
	}
	return reply
}

var sixDigits = regexp.MustCompile(`\b\d{6}\b`)

// waitQR waits until the page shows a QR code that waits for a scan, its image loaded, and
// returns its scene.
func waitQR(b *browser) string {
	b.tb.Helper()
	b.waitFor("a QR code to scan", `(() => {
		const box = document.querySelector("#wechat-scan[data-status=waiting]");
		const img = document.getElementById("wechat-scan-qr");
		return !!box && !!box.dataset.scene && !!img && img.complete && img.naturalWidth > 0;
	})()`)
	return eval[string](b, `document.getElementById("wechat-scan").dataset.scene`)
}

// waitTemplate waits for the service account's template messages to openid, which are sent in
// the background.
func waitTemplate(t *testing.T, phone *wechatfake.App, openid string) []wechatfake.TemplateMessage {
	t.Helper()
	deadline := time.Now().Add(actionTimeout)
	for {
		if msgs := phone.TemplateMessages(openid); len(msgs) > 0 {
			return msgs
		}
		if time.Now().After(deadline) {
			t.Fatalf("no template message to %s", openid)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// signIn signs a in on the open 登录 page and waits for the personal centre.
func signIn(b *browser, env *testenv.Env, a applicant) {
	b.tb.Helper()
	b.typeInto("doc_number", a.docNumber)
	b.typeInto("password", a.password)
	b.solveCaptcha(env)
	b.click("#login-submit")
	b.waitPage("profile")
}

// TestRegisterWithWeChatScan registers with 微信扫码: the page shows the service account's QR
// code, the applicant scans it and reads the code in the WeChat chat, types it, and the new
// account comes bound to that WeChat user, who gets the 绑定成功 notice.
func TestRegisterWithWeChatScan(t *testing.T) {
	requireBrowser(t)
	t.Parallel()
	env := testenv.Start(t)
	phone := wechatPhone(t, env)
	b := newBrowser(t)
	b.phone()
	a := newApplicant()

	b.open(env.URL+"/register", "register")
	fillRegistration(b, a)
	b.click("#code_source-wechat")
	scene := waitQR(b)
	if src := eval[string](b, `document.getElementById("wechat-scan-qr").getAttribute("src")`); !strings.Contains(src, scene) {
		t.Errorf("QR image %q is not the scene %q's", src, scene)
	}
	if got := b.text("#wechat-scan"); !strings.Contains(got, "请使用微信扫描二维码，关注中国教师资格网服务号后获取验证码") || !strings.Contains(got, "二维码有效期剩余 4:") {
		t.Errorf("QR block says %q, want the instruction and the countdown", got)
	}
	if eval[bool](b, `document.getElementById("send-code") !== null`) {
		t.Error("the SMS button is offered with 微信扫码")
	}
	b.screenshot("register-wechat-phone")

	// Back to SMS and again to WeChat: the QR code still waiting comes back, not a new one.
	b.click("#code_source-sms")
	b.waitFor("the SMS button", `document.getElementById("send-code") !== null && document.getElementById("wechat-scan") === null`)
	b.click("#code_source-wechat")
	if again := waitQR(b); again != scene {
		t.Errorf("switching back to 微信扫码 showed scene %q, want the waiting %q", again, scene)
	}

	openid := wechatfake.NewOpenID()
	code := sixDigits.FindString(scan(t, phone, openid, scene))
	if code == "" {
		t.Fatal("no code in the WeChat chat")
	}
	b.waitText("#code-notice", "验证码已发送至您的微信")
	b.waitText("#wechat-scan", "扫码成功")
	b.typeInto("code", code)
	b.solveCaptcha(env)
	b.click("#register-submit")

	b.waitPage("login")
	signIn(b, env, a)
	b.waitFor("the binding", `document.querySelector("#wechat-binding[data-bound=true]") !== null`)
	if got := b.text("#wechat-via"); got != "注册时扫码绑定" {
		t.Errorf("绑定方式 = %q", got)
	}
	// The openid means nothing to the applicant, masked or whole: the page does not show it.
	if got := b.text("#wechat-binding"); strings.Contains(got, openid) || strings.Contains(got, "微信用户") {
		t.Errorf("the binding shows the WeChat user's openid: %q", got)
	}
	waitTemplate(t, phone, openid)
}

// laterClock is the system clock that a test can move forward, as if minutes had passed.
type laterClock struct{ ahead atomic.Int64 }

func (c *laterClock) Now() time.Time       { return time.Now().Add(time.Duration(c.ahead.Load())) }
func (c *laterClock) skip(d time.Duration) { c.ahead.Add(int64(d)) }

// TestBindWeChatInProfile binds an account registered by SMS in the personal centre: the bind QR
// code expires unscanned and is refreshed, the new one is scanned and the account is bound; it is
// unbound after a confirmation; then, inside WeChat's browser, bound again through WeChat's
// authorization, which comes back with its message.
func TestBindWeChatInProfile(t *testing.T) {
	requireBrowser(t)
	t.Parallel()
	clk := &laterClock{}
	env := testenv.Start(t, testenv.WithClock(clk))
	phone := wechatPhone(t, env)
	b := newBrowser(t)
	b.phone()
	a := newApplicant()

	b.open(env.URL+"/register", "register")
	fillRegistration(b, a)
	b.typeInto("code", requestCode(b, env, a.phone))
	b.solveCaptcha(env)
	b.click("#register-submit")
	b.waitPage("login")
	signIn(b, env, a)

	b.waitFor("the block unbound", `document.querySelector("#wechat-binding[data-bound=false] #wechat-bind") !== null`)
	b.click("#wechat-bind")
	stale := waitQR(b)
	b.screenshot("profile-wechat-bind-phone")

	// Five minutes pass without a scan: the code is dead, on the page and in WeChat.
	clk.skip(5*time.Minute + time.Second)
	b.waitText("#wechat-scan-expired", "二维码已过期")
	ctx, cancel := context.WithTimeout(context.Background(), actionTimeout)
	defer cancel()
	openid := wechatfake.NewOpenID()
	if _, err := phone.Scan(ctx, openid, stale); !errors.Is(err, wechatfake.ErrQRExpired) {
		t.Errorf("scanning the expired QR code: %v", err)
	}
	b.click("#wechat-scan-refresh")
	scene := waitQR(b)
	if scene == stale {
		t.Fatal("刷新二维码 kept the expired scene")
	}
	if reply := scan(t, phone, openid, scene); !strings.Contains(reply, "绑定成功") {
		t.Errorf("chat reply %q", reply)
	}
	b.waitFor("the binding", `document.querySelector("#wechat-binding[data-bound=true]") !== null`)
	b.waitText("#wechat-notice", "微信绑定成功")
	if got := b.text("#wechat-via"); got != "扫码绑定" {
		t.Errorf("绑定方式 = %q", got)
	}
	waitTemplate(t, phone, openid)
	b.screenshot("profile-wechat-bound-phone")
	src := axeSource(t)
	b.everyWay(src, "个人信息中心 bound to WeChat")

	b.click("#wechat-unbind")
	b.waitText("#unbind-dialog", "确定要解除绑定吗")
	b.everyWay(src, "解除绑定 dialog")
	b.click("#unbind-confirm")
	b.waitFor("the block unbound", `document.querySelector("#wechat-binding[data-bound=false]") !== null`)
	b.waitText("#wechat-notice", "已解除微信绑定")

	// Inside WeChat the page offers WeChat's authorization instead of a QR code.
	b.must(chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{UserAgent: wechatUA})
		return err
	}))
	b.open(env.URL+"/profile", "profile")
	b.waitFor("the authorization button", `document.getElementById("wechat-oauth") !== null && document.getElementById("wechat-bind") === null`)
	b.click("#wechat-oauth")
	// Real WeChat knows its user; the stand-in's authorization page asks which one.
	b.must(chromedp.WaitVisible(chromedp.CSS(`input[name=openid]`)))
	eval[chromedp.Void](b, fmt.Sprintf(`(() => {
		document.querySelector("input[name=openid]").value = %q;
		document.querySelector("form").submit();
	})()`, openid))
	b.waitPage("profile")
	b.waitText("#wechat-notice", "微信绑定成功")
	b.waitFor("the binding", `document.querySelector("#wechat-binding[data-bound=true]") !== null`)
	if got := b.text("#wechat-via"); got != "微信授权绑定" {
		t.Errorf("绑定方式 = %q", got)
	}
	if q := eval[string](b, `location.search`); q != "" {
		t.Errorf("the outcome stays in the address: %q", q)
	}

	// A refused authorization comes back with its reason.
	b.open(env.URL+"/profile?wechat_error=openid_taken", "profile")
	b.waitText("#wechat-notice", errcode.WeChatOpenIDTaken.Message())
}
