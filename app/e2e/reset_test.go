//go:build !js

package e2e

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"jszg/server/account"
	"jszg/server/testenv"
	"jszg/shared/api"
	"jszg/shared/contact"
	"jszg/shared/errcode"
)

// existing is an account already in the store, as if registered earlier: the reset and personal
// centre journeys start from it instead of going through 注册 again.
func existing(t *testing.T, env *testenv.Env) applicant {
	t.Helper()
	a := newApplicant()
	// Cheap parameters: the server reads them from the hash, and the test makes a few.
	hash := account.NewHasher(account.HashParams{MemoryKiB: 1024, Time: 1, Threads: 1}).Hash(a.password)
	acc := &account.Account{ID: account.NewID(), DocType: api.DocIDCard, DocNumber: a.docNumber, Name: a.name, Sex: "男",
		BirthDate: "1990-05-17", ValidityTerm: api.Term20Years, ValidFrom: a.validFrom, ValidUntil: "2040-03-01",
		Email: a.email, Phone: a.phone, PasswordHash: hash, RealName: account.RealNameNone, CreatedAt: time.Now()}
	if err := env.Server.Stores.Accounts.Create(context.Background(), acc); err != nil {
		t.Fatal(err)
	}
	return a
}

// choose picks value in the select id, as a person choosing from its list does.
func (b *browser) choose(id, value string) {
	b.tb.Helper()
	eval[chromedp.Void](b, fmt.Sprintf(`(() => {
		const el = document.getElementById(%q);
		el.focus();
		el.value = %q;
		el.dispatchEvent(new Event("change", {bubbles: true}));
	})()`, id, value))
}

// startReset fills 输入账号 for a on the open 忘记密码 page and waits for 安全验证.
func startReset(b *browser, env *testenv.Env, a applicant) {
	b.tb.Helper()
	b.choose("doc_type", api.DocIDCard)
	b.typeInto("doc_number", a.docNumber)
	b.typeInto("name", a.name)
	b.solveCaptcha(env)
	b.click("#reset-next")
	b.waitFor("安全验证", `document.getElementById("verify-title") !== null`)
}

// newPassword types pw twice into 新密码 / 确认密码.
func newPassword(b *browser, pw string) {
	b.tb.Helper()
	b.typeInto("password", pw)
	b.typeInto("password_confirm", pw)
}

var resetLink = regexp.MustCompile(`https?://\S+/reset/link\?token=[A-Za-z0-9_-]+`)

// outboxLink waits for the reset e-mail to addr and returns its link.
func outboxLink(b *browser, env *testenv.Env, addr string) string {
	b.tb.Helper()
	deadline := time.Now().Add(actionTimeout)
	for {
		msgs, err := env.Outbox(addr)
		if err != nil {
			b.tb.Fatal(err)
		}
		for _, m := range msgs {
			if m.Channel == "email" {
				if l := resetLink.FindString(m.Text); l != "" {
					return l
				}
				b.tb.Fatalf("reset e-mail without a link: %q", m.Text)
			}
		}
		if time.Now().After(deadline) {
			b.tb.Fatalf("no reset e-mail to %s", addr)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// signInWith signs in on a fresh 登录 page with the number and password given.
func signInWith(b *browser, env *testenv.Env, a applicant, pw string) {
	b.tb.Helper()
	b.open(env.URL+"/login", "login")
	a.password = pw
	signIn(b, env, a)
}

// TestResetPasswordByEmailAndSMS is 忘记密码 twice for one account: by the e-mail's link, read
// from the SMTP stand-in and opened in the page, and by a code to the registered phone; each time
// the new password signs in. axe runs on every step in both modes.
func TestResetPasswordByEmailAndSMS(t *testing.T) {
	requireBrowser(t)
	axe := axeSource(t)
	env := testenv.Start(t)
	b := newBrowser(t)
	b.phone()
	a := existing(t, env)

	b.open(env.URL+"/login", "login")
	if eval[bool](b, `document.querySelector(".login-card .soon") !== null`) {
		t.Error("登录 still shows 暂未开放")
	}
	b.click("#to-forgot")
	b.waitPage("forgot")
	if got := b.text("#reset-ways"); !strings.Contains(got, "解决密码遗忘途径如下：") || !strings.Contains(got, "2019年3月1日之前注册的账号") {
		t.Errorf("忘记密码 explains %q", got)
	}
	// Nothing typed: every field says what it needs, and the first takes the focus.
	b.click("#reset-next")
	b.waitFor("the errors", `document.getElementById("doc_type-error") !== null && document.getElementById("name-error") !== null`)
	if got := eval[string](b, `document.activeElement.id`); got != "doc_type" {
		t.Errorf("focus on #%s after 下一步 with nothing typed, want the first field", got)
	}
	if d := eval[string](b, `document.getElementById("doc_type").getAttribute("aria-describedby")`); d != "doc_type-error" {
		t.Errorf("证件类型 described by %q", d)
	}
	b.everyWay(axe, "忘记密码 输入账号 with errors")

	startReset(b, env, a)
	if got := b.text("#reset-email"); got != contact.MaskEmail(a.email) {
		t.Errorf("您注册的邮箱地址 %q, want %q", got, contact.MaskEmail(a.email))
	}
	if eval[bool](b, `document.getElementById("method-wechat") !== null`) {
		t.Error("微信验证重置密码 offered to an account without WeChat")
	}
	b.everyWay(axe, "忘记密码 安全验证 邮箱")
	b.click("#reset-email-send")
	b.waitText("#reset-sent", "重置密码的链接已发送至邮箱 "+contact.MaskEmail(a.email))
	link := outboxLink(b, env, a.email)

	b.open(link, "reset-link")
	b.waitFor("the new-password form", `document.getElementById("reset-link-form") !== null`)
	b.everyWay(axe, "重置密码链接")
	// Different twice: the confirmation says so at its field.
	b.typeInto("password", "Lanshan#2025tea")
	b.typeInto("password_confirm", "Lanshan#2025tex")
	b.click("#reset-link-confirm")
	b.waitFor("the mismatch", `document.getElementById("password_confirm-error") !== null`)
	if got := eval[string](b, `document.activeElement.id`); got != "password_confirm" {
		t.Errorf("focus on #%s, want the field in error", got)
	}
	newPassword(b, "Lanshan#2025tea")
	b.click("#reset-link-confirm")
	b.waitText("#reset-done", "密码重置成功")
	b.everyWay(axe, "密码重置成功")

	// The link is spent.
	b.open(link, "reset-link")
	b.waitText("#link-invalid", errcode.ResetLinkInvalid.Message())
	b.everyWay(axe, "重置密码链接 已失效")

	signInWith(b, env, a, "Lanshan#2025tea")

	// 短信验证重置密码, signed out first: a reset ends every session anyway.
	b.open(env.URL+"/forgot", "forgot")
	startReset(b, env, a)
	b.click("#method-sms")
	b.waitText("#reset-phone", contact.MaskPhone(a.phone))
	before := len(must(env.Outbox(a.phone)))
	b.click("#reset-sms-send")
	b.waitText("#reset-sent", "验证码已发送至手机 "+contact.MaskPhone(a.phone))
	b.waitText("#reset-sms-send", "秒后重新获取")
	b.everyWay(axe, "忘记密码 安全验证 短信")
	b.typeInto("code", outboxCode(b, env, a.phone, before))
	newPassword(b, "Zhuzhou@2026hill")
	b.click("#reset-sms-confirm")
	b.waitText("#reset-done", "密码重置成功")
	signInWith(b, env, a, "Zhuzhou@2026hill")
}
