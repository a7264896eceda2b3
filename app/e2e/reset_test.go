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
	a, _ := existingAccount(t, env)
	return a
}

// existingAccount is existing with the account's id.
func existingAccount(t *testing.T, env *testenv.Env) (applicant, string) {
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
	return a, acc.ID
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

// newPassword types pw twice into 新密码 / 确认密码 and waits, as a person looks, until the page
// has taken both: an earlier error under a field gone. The button below moves up when it goes,
// and a click aimed before that lands where the button was (a loaded run once lost 确认修改 so).
func newPassword(b *browser, pw string) {
	b.tb.Helper()
	b.typeInto("password", pw)
	b.typeInto("password_confirm", pw)
	b.waitFor("the new password taken", `document.getElementById("password-error") === null &&
		document.getElementById("password_confirm-error") === null`)
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
	t.Parallel()
	axe := axeSource(t)
	env := testenv.Start(t)
	b := newBrowser(t)
	b.phone()
	a := existing(t, env)

	b.open(env.URL+"/login", "login")
	if eval[bool](b, `document.querySelector(".login-card .soon") !== null`) {
		t.Error("登录 still shows 暂未开放")
	}
	b.follow("#to-forgot")
	b.waitPage("forgot")
	if got := b.text("#reset-ways"); !strings.Contains(got, "解决密码遗忘途径如下：") || !strings.Contains(got, "2019年3月1日之前注册的账号") {
		t.Errorf("忘记密码 explains %q", got)
	}
	b.screenshot("forgot-phone")
	// Nothing typed: every field says what it needs, and the first takes the focus.
	b.click("#reset-next")
	b.waitFor("the errors, the first field focused", `document.getElementById("doc_type-error") !== null &&
		document.getElementById("name-error") !== null && document.activeElement.id === "doc_type"`)
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
	// The message shows from the blur already; the focus moving says 确认修改 was handled.
	b.waitFor("the field in error to take the focus", `document.activeElement.id === "password_confirm" &&
		document.getElementById("password_confirm-error") !== null`)
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
	b.screenshot("forgot-sms-phone")
	b.typeInto("code", outboxCode(b, env, a.phone, before))
	newPassword(b, "Zhuzhou@2026hill")
	b.click("#reset-sms-confirm")
	b.waitText("#reset-done", "密码重置成功")
	signInWith(b, env, a, "Zhuzhou@2026hill")
}

// TestProfileActions is the personal centre's three actions for one account: 修改密码 (a wrong
// old password refused at its field), 修改手机号码 with a code to the new phone, and
// 修改个人身份信息 with a new 民族 taking effect at once and a new name staged for 实名核验.
func TestProfileActions(t *testing.T) {
	requireBrowser(t)
	t.Parallel()
	axe := axeSource(t)
	env := testenv.Start(t)
	b := newBrowser(t)
	b.phone()
	a := existing(t, env)
	signInWith(b, env, a, a.password)
	b.waitFor("the identity", `document.getElementById("me-name") !== null`)
	if eval[bool](b, `document.querySelector(".actions .soon-badge") !== null || document.getElementById("goto-realname") === null`) {
		t.Error("every action of 个人信息中心 should be open, 实名核验 a link to its page")
	}

	b.click("#action-password")
	b.waitFor("修改密码 with the focus on its title", `document.getElementById("password-form") !== null &&
		document.activeElement.id === "action-title"`)
	b.everyWay(axe, "修改密码")
	const changed = "Tianchi&2026lake"
	b.typeInto("old_password", "Wrong-password-1")
	newPassword(b, changed)
	b.click("#password-submit")
	b.waitText("#old_password-error", errcode.PasswordOldWrong.Message())
	b.everyWay(axe, "修改密码 with an error")
	b.typeInto("old_password", a.password)
	b.click("#password-submit")
	b.waitText("#action-notice", "密码修改成功")
	a.password = changed

	newPhone := fmt.Sprintf("137%08d", time.Now().UnixNano()%100_000_000)
	b.click("#action-phone")
	b.waitFor("修改手机号码", `document.getElementById("phone-form") !== null`)
	b.typeInto("phone", newPhone)
	b.click("#phone-send-code")
	b.waitText("#phone-code-notice", "验证码已发送至手机 "+contact.MaskPhone(newPhone))
	b.waitText("#phone-send-code", "秒后重新获取")
	b.everyWay(axe, "修改手机号码")
	b.typeInto("code", outboxCode(b, env, newPhone, 0))
	b.typeInto("password", a.password)
	b.click("#phone-submit")
	b.waitText("#action-notice", "手机号码修改成功")
	b.waitText("#me-phone", contact.MaskPhone(newPhone))

	b.click("#action-identity")
	b.waitFor("修改个人身份信息", `document.getElementById("identity-form") !== null`)
	if got := b.value("name"); got != a.name {
		t.Errorf("姓名 prefilled %q, want %q", got, a.name)
	}
	if n := eval[int](b, `document.querySelectorAll("#ethnicity option").length`); n != 57 {
		t.Errorf("民族 offers %d choices, want ---请选择--- and the 56 groups", n)
	}
	b.everyWay(axe, "修改个人身份信息")
	b.screenshot("profile-identity-phone")
	b.choose("ethnicity", "回族")
	b.typeInto("name", "张伟·艾力")
	b.click("#identity-submit")
	b.waitText("#action-notice", "须实名核验通过后方可生效")
	b.waitText("#staged-name", "张伟·艾力")
	b.waitText("#me-ethnicity", "回族")
	if got := b.text("#me-name"); strings.Contains(got, "艾力") {
		t.Errorf("the staged name shows as the name: %q", got)
	}
	b.everyWay(axe, "个人身份信息 with a staged change")
}
