//go:build !js

package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"jszg/server/clock"
	"jszg/server/testenv"
	"jszg/shared/errcode"
	"jszg/wechat/binding"
	"jszg/wechat/wechatfake"
)

// moeSignIn follows 教育部账号登录 from the open 登录 page to the stand-in's sign-in page and
// signs in there as the holder of number.
func moeSignIn(b *browser, number, name string) {
	b.tb.Helper()
	// The link's own address, as a full navigation: the link does the same once the client is
	// running, and a click before its handler is attached would be lost on a loaded machine.
	b.waitFor("the 教育部账号登录 link", `document.getElementById("to-moe") !== null`)
	b.must(chromedp.Navigate(eval[string](b, `document.getElementById("to-moe").href`)))
	b.must(chromedp.WaitVisible(chromedp.ID("moe-submit")))
	eval[chromedp.Void](b, fmt.Sprintf(`(() => {
		document.getElementById("doc_number").value = %q;
		document.getElementById("name").value = %q;
		document.getElementById("moe-submit").click();
	})()`, number, name))
}

// TestMoESignIn is 教育部账号登录 with the OIDC stand-in: an unknown number lands on 注册 with
// the number prefilled and locked, registers, and the same platform identity then signs in to
// the personal centre. A refusal comes back to 登录 with its message.
func TestMoESignIn(t *testing.T) {
	requireBrowser(t)
	t.Parallel()
	axe := axeSource(t)
	env := testenv.Start(t)
	b := newBrowser(t)
	b.phone()
	a := newApplicant()

	b.open(env.URL+"/login", "login")
	moeSignIn(b, a.docNumber, a.name)
	b.waitPage("register")
	b.waitFor("the number locked", `document.getElementById("moe-notice") !== null`)
	if got := b.value("doc_number"); got != a.docNumber {
		t.Errorf("身份证件号码 prefilled %q, want %q", got, a.docNumber)
	}
	if !eval[bool](b, `document.getElementById("doc_number").readOnly && document.getElementById("doc_type").disabled`) {
		t.Error("the number or its type can be changed")
	}
	if got := b.value("name"); got != a.name {
		t.Errorf("姓名 prefilled %q, want the platform's %q", got, a.name)
	}
	b.everyWay(axe, "注册 from 教育部账号登录")

	b.click(fmt.Sprintf("#validity_term-%s", a.term))
	b.setDate("valid_from", a.validFrom)
	b.typeInto("password", a.password)
	b.typeInto("password_confirm", a.password)
	b.typeInto("email", a.email)
	b.typeInto("phone", a.phone)
	b.click("#agreed")
	b.typeInto("code", requestCode(b, env, a.phone))
	b.solveCaptcha(env)
	b.click("#register-submit")
	b.waitPage("login")

	moeSignIn(b, a.docNumber, a.name)
	b.waitPage("profile")
	b.waitFor("the identity", `document.getElementById("me-doc-number") !== null`)
	if got := b.text("#me-doc-number"); !strings.HasPrefix(got, a.docNumber[:2]) || !strings.HasSuffix(got, a.docNumber[16:]) {
		t.Errorf("signed in as %q, want the account of %s", got, a.docNumber)
	}

	b.open(env.URL+"/login?moe_error="+string(errcode.MoESignInFailed), "login")
	b.waitText("#form-error", errcode.MoESignInFailed.Message())
	b.everyWay(axe, "登录 after a refused 教育部账号登录")
}

// TestResetPasswordByWeChat is 微信验证重置密码 for an account bound to the service account:
// the template message's link opens the new-password page; the reset QR code proves nothing
// when another WeChat scans it, and lets the new password be set once the bound one does.
func TestResetPasswordByWeChat(t *testing.T) {
	requireBrowser(t)
	t.Parallel()
	axe := axeSource(t)
	env := testenv.Start(t)
	phone := wechatPhone(t, env)
	b := newBrowser(t)
	b.phone()
	a, id := existingAccount(t, env)
	ctx := context.Background()
	openid := wechatfake.NewOpenID()
	if _, err := phone.Follow(ctx, openid); err != nil {
		t.Fatal(err)
	}
	if err := binding.New(env.Server.Stores.WeChat.Bindings, clock.System{}).Bind(ctx, id, openid, binding.ViaScan, true); err != nil {
		t.Fatal(err)
	}

	b.open(env.URL+"/forgot", "forgot")
	startReset(b, env, a)
	b.click("#method-wechat")
	waitQR(b)
	b.everyWay(axe, "忘记密码 安全验证 微信")
	b.click("#reset-wechat-send")
	b.waitText("#reset-sent", "消息已发送至绑定的微信")
	var link string
	for _, m := range waitTemplate(t, phone, openid) {
		if strings.Contains(m.URL, "/reset/link?token=") {
			link = m.URL
		}
	}
	if link == "" {
		t.Fatal("no template message with the reset link")
	}
	b.open(link, "reset-link")
	newPassword(b, "Huangshan#2026pine")
	b.click("#reset-link-confirm")
	b.waitText("#reset-done", "密码重置成功")

	b.open(env.URL+"/forgot", "forgot")
	startReset(b, env, a)
	b.click("#method-wechat")
	scene := waitQR(b)
	if reply := scan(t, phone, wechatfake.NewOpenID(), scene); !strings.Contains(reply, "未绑定此中国教师资格网账号") {
		t.Errorf("another WeChat's scan answered %q", reply)
	}
	if st := eval[string](b, fmt.Sprintf(`fetch("/api/wechat/scenes/%s").then(r => r.json()).then(j => j.status)`, scene)); st != "waiting" {
		t.Errorf("after another WeChat's scan the reset QR code is %q, want still waiting", st)
	}
	if reply := scan(t, phone, openid, scene); !strings.Contains(reply, "身份确认成功") {
		t.Errorf("the bound WeChat's scan answered %q", reply)
	}
	b.waitFor("the scan to prove the account", `document.querySelector("#wechat-scan[data-status=verified]") !== null`)
	b.waitFor("the new-password form", `document.getElementById("reset-wechat-confirm") !== null`)
	if eval[bool](b, `document.getElementById("wechat-scan-again") !== null`) {
		t.Error("a proven reset offers a new QR code, which would throw the proof away")
	}
	b.everyWay(axe, "忘记密码 微信 scanned")
	newPassword(b, "Emeishan#2026gold")
	b.click("#reset-wechat-confirm")
	b.waitText("#reset-done", "密码重置成功")
	signInWith(b, env, a, "Emeishan#2026gold")
}
