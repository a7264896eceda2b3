//go:build !js

package e2e

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"jszg/server/testenv"
	"jszg/shared/document"
	"jszg/shared/errcode"
)

// applicant is what a test registers with: a valid, unique ID card number and phone.
type applicant struct {
	docNumber string
	name      string
	validFrom string // the card's start date
	term      string // its validity term, right for the holder's age at validFrom
	password  string
	email     string
	phone     string
}

func newApplicant() applicant {
	// Born 1990-05-17 in 北京市东城区; a random sequence number keeps numbers unique across tests,
	// odd so the holder is a man (男).
	body := fmt.Sprintf("11010119900517%03d", rand.IntN(500)*2+1)
	check, _ := document.ChecksumChar(body)
	return applicant{
		docNumber: body + string(check),
		name:      "张伟",
		validFrom: "2020-03-01", // at 29: a 20-year card
		term:      "20y",
		password:  "Qingshan#2024xue",
		email:     fmt.Sprintf("zhangwei%d@example.com", rand.IntN(1_000_000)),
		phone:     fmt.Sprintf("139%08d", rand.IntN(100_000_000)),
	}
}

// fillRegistration types a's details into the 注册 form, everything but the captcha and code.
func fillRegistration(b *browser, a applicant) {
	b.tb.Helper()
	b.typeInto("doc_number", a.docNumber)
	b.typeInto("name", a.name)
	b.click(fmt.Sprintf("#validity_term-%s", a.term))
	b.setDate("valid_from", a.validFrom)
	b.typeInto("password", a.password)
	b.typeInto("password_confirm", a.password)
	b.typeInto("email", a.email)
	b.typeInto("phone", a.phone)
	b.click("#agreed")
}

// requestCode solves the captcha, asks for the SMS code and reads it from the local stand-in's
// outbox, as the applicant would read their phone.
func requestCode(b *browser, env *testenv.Env, phone string) string {
	b.tb.Helper()
	b.solveCaptcha(env)
	b.click("#send-code")
	b.waitText("#code-notice", "验证码已发送")
	var code string
	deadline := time.Now().Add(actionTimeout)
	for code == "" {
		msgs, err := env.Outbox(phone)
		if err != nil {
			b.tb.Fatal(err)
		}
		for _, m := range msgs {
			if m.Channel == "sms" && m.To == phone && m.Code != "" {
				code = m.Code
				break
			}
		}
		if code == "" {
			if time.Now().After(deadline) {
				b.tb.Fatalf("no SMS code for %s in the outbox", phone)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	return code
}

// TestRegisterSignInProfileLogout is the applicant's first day: 注册 with an SMS code, 登录,
// 个人信息中心, 退出登录; on a phone, with the screenshots of each page on both viewports.
func TestRegisterSignInProfileLogout(t *testing.T) {
	requireBrowser(t)
	t.Parallel()
	env := testenv.Start(t)
	b := newBrowser(t)
	a := newApplicant()

	// The sign-in page of the 认定 entry, as a business system links to it.
	b.desktop()
	b.open(env.URL+"/login?entry=certification", "login")
	b.waitFor("the puzzle image", `document.querySelector("#captcha[data-state=ready]") !== null`)
	if got := b.text(".login-welcome"); !strings.Contains(got, "认定登录入口") {
		t.Errorf("welcome line %q, want the 认定 entry", got)
	}
	b.screenshot("login-desktop")
	b.phone()
	b.screenshot("login-phone")

	b.follow("#to-register")
	b.waitPage("register")
	b.waitFor("the puzzle image", `document.querySelector("#captcha[data-state=ready]") !== null`)
	b.screenshot("register-phone")
	b.desktop()
	b.screenshot("register-desktop")
	b.phone()

	fillRegistration(b, a)
	if got := b.value("valid_until"); got != "2040-03-01" {
		t.Errorf("有效截止日期 = %q, want 2040-03-01 (derived from the start date and 20年)", got)
	}
	if s := b.text("#password-strength"); !strings.Contains(s, "密码强度") {
		t.Errorf("no strength meter for the password, got %q", s)
	}
	code := requestCode(b, env, a.phone)
	b.typeInto("code", code)
	// The code request used the captcha pass: a fresh puzzle guards the registration.
	b.solveCaptcha(env)
	b.click("#register-submit")

	b.waitPage("login")
	b.waitText("#registered-notice", "注册成功")
	b.typeInto("doc_number", a.docNumber)
	b.typeInto("password", a.password)
	b.solveCaptcha(env)
	b.click("#login-submit")

	b.waitPage("profile")
	b.waitFor("the identity", `(document.getElementById("me-doc-number") || {}).textContent > ""`)
	// Sent here by 认定, a new account meets the real-name gate first.
	b.waitText("#gate-text", errcode.RealNameRequired.Message())
	b.click("#gate-ok")
	b.waitFor("the gate to close", `!document.getElementById("gate-dialog")`)
	if got := b.text("#me-doc-number"); got == a.docNumber || !strings.HasPrefix(got, a.docNumber[:2]) {
		t.Errorf("document number shown as %q, want it masked", got)
	}
	if got := b.text("#me-sex"); got != "男" {
		t.Errorf("性别 = %q, want 男 (from the number)", got)
	}
	if got := b.text("#real-name-hint"); got != "提示：您还未进行实名核验。" {
		t.Errorf("real-name hint %q", got)
	}
	b.screenshot("profile-phone")
	b.desktop()
	b.screenshot("profile-desktop")

	// A record tab has its honest empty state.
	b.click("#tab-exam")
	b.waitText(".profile-card", "暂无记录")

	b.click("#logout")
	b.waitPage("login")
	// Signed out, the personal centre sends the visitor back to 登录.
	b.open(env.URL+"/profile", "login")
}

// TestRulesCheckedBeforeSending shows the shared rules answering in the browser: a wrong check
// digit and a name with a digit get their Chinese messages as the applicant leaves each field,
// and 提交 with them sends nothing.
func TestRulesCheckedBeforeSending(t *testing.T) {
	requireBrowser(t)
	t.Parallel()
	env := testenv.Start(t)
	b := newBrowser(t)
	b.phone()
	b.open(env.URL+"/register", "register")
	b.recordFetches()

	a := newApplicant()
	last := a.docNumber[17]
	wrong := "0"
	if last == '0' {
		wrong = "1"
	}
	b.typeInto("doc_number", a.docNumber[:17]+wrong)
	b.waitText("#doc_number-error", errcode.DocNumberChecksum.Message())

	b.typeInto("name", "张3")
	b.waitText("#name-error", errcode.NameInvalid.Message())

	b.typeInto("phone", "1234")
	b.waitText("#phone-error", errcode.PhoneInvalid.Message())

	b.click("#register-submit")
	b.waitText("#agreed-error", errcode.AgreementRequired.Message())
	if reqs := b.fetches(); len(reqs) > 0 {
		t.Errorf("the client sent %v despite invalid input", reqs)
	}

	// The agreement opens over the form, which keeps what was typed, and can be agreed to there.
	b.click("#open-agreement")
	b.waitText("#agreement-dialog", "中国教师资格网注册协议")
	b.click("#agreement-accept")
	b.waitFor("the box to be ticked", `document.getElementById("agreed").checked`)
	b.waitFor("the agreement's message to go", `document.getElementById("agreed-error") === null`)
	if got := b.value("name"); got != "张3" {
		t.Errorf("name after reading the agreement = %q", got)
	}

	// Fixing the number clears its message at once.
	b.typeInto("doc_number", a.docNumber)
	b.waitFor("the number's message to go", `document.getElementById("doc_number-error") === null`)
	// The look-alike dot is taken for the separator, as on the server.
	b.typeInto("name", "买买提•艾力")
	b.waitFor("the name's message to go", `document.getElementById("name-error") === null`)

	// 登录 checks the number the same way.
	b.open(env.URL+"/login", "login")
	b.recordFetches()
	b.typeInto("doc_number", "110101199001011234")
	b.waitText("#doc_number-error", errcode.DocNumberChecksum.Message())
	b.click("#login-submit")
	if reqs := b.fetches(); len(reqs) > 0 {
		t.Errorf("the sign-in page sent %v despite an invalid number", reqs)
	}
}

// TestResidencePermitFields switches 注册 to 港澳台居民居住证: 地区, 通行证号码 and the local ID
// appear, the term is 5年 only, the rules of the permit answer at their fields, and what was typed
// stays in its own field as rows come and go.
func TestResidencePermitFields(t *testing.T) {
	requireBrowser(t)
	t.Parallel()
	env := testenv.Start(t)
	b := newBrowser(t)
	b.phone()
	b.open(env.URL+"/register", "register")
	b.typeInto("name", "陈大文")

	choose := func(id, value string) {
		t.Helper()
		eval[chromedp.Void](b, fmt.Sprintf(`(() => {
			const el = document.getElementById(%q);
			el.value = %q;
			el.dispatchEvent(new Event("change", {bubbles: true}));
		})()`, id, value))
	}
	choose("doc_type", "residence_permit")
	b.waitFor("the permit's fields", `!!document.getElementById("region") && !!document.getElementById("local_id")`)
	b.waitText(".field-note", "①")
	b.waitFor("5年 as the only term, chosen", `(() => {
		const terms = document.querySelectorAll("input[name=validity_term]");
		return terms.length === 1 && terms[0].value === "5y" && terms[0].checked;
	})()`)

	const hongKong = "810000199408230021"
	b.typeInto("doc_number", hongKong)
	choose("region", "MO")
	b.waitText("#doc_number-error", errcode.RegionMismatch.Message())
	choose("region", "HK")
	b.waitFor("the mismatch to go", `document.getElementById("doc_number-error") === null`)
	b.typeInto("permit_number", "X123")
	b.waitText("#permit_number-error", errcode.PermitNumberInvalid.Message())

	for id, want := range map[string]string{"name": "陈大文", "doc_number": hongKong, "permit_number": "X123"} {
		if got := b.value(id); got != want {
			t.Errorf("#%s = %q, want %q", id, got, want)
		}
	}

	choose("doc_type", "id_card")
	b.waitFor("the permit's fields to go", `document.getElementById("region") === null`)
	if got := b.value("name"); got != "陈大文" {
		t.Errorf("name after switching back = %q", got)
	}
	// Typing still goes to the right field after the rows moved twice.
	b.typeInto("phone", "13912345678")
	if got := b.value("name"); got != "陈大文" {
		t.Errorf("typing the phone changed the name to %q", got)
	}
}

// TestServerVerdictAtItsField sends what only the server can judge: a wrong SMS code, then a
// number that is already registered. Each message appears at its field and the form keeps what
// was typed.
func TestServerVerdictAtItsField(t *testing.T) {
	requireBrowser(t)
	t.Parallel()
	env := testenv.Start(t)
	b := newBrowser(t)
	b.phone()
	a := newApplicant()

	b.open(env.URL+"/register", "register")
	fillRegistration(b, a)
	code := requestCode(b, env, a.phone)
	wrong := fmt.Sprintf("%06d", (atoi(code)+1)%1_000_000)
	b.typeInto("code", wrong)
	b.solveCaptcha(env)
	b.click("#register-submit")
	b.waitText("#code-error", errcode.CodeInvalid.Message())
	if got := b.value("doc_number"); got != a.docNumber {
		t.Errorf("document number after the refusal = %q, want the typed %q", got, a.docNumber)
	}
	if got := b.value("password"); got != a.password {
		t.Error("the password was lost after the refusal")
	}

	// The right code registers the account.
	b.typeInto("code", code)
	b.solveCaptcha(env)
	b.click("#register-submit")
	b.waitPage("login")

	// Registering the same number again is refused at the number.
	b.open(env.URL+"/register", "register")
	again := a
	again.phone = fmt.Sprintf("138%08d", rand.IntN(100_000_000))
	fillRegistration(b, again)
	code = requestCode(b, env, again.phone)
	b.typeInto("code", code)
	b.solveCaptcha(env)
	b.click("#register-submit")
	b.waitText("#doc_number-error", errcode.DocNumberTaken.Message())
	b.waitFor("the page to stay on 注册", `document.querySelector("#app-ready[data-page=register]") !== null`)
}

// TestOfflineNotice turns the network off under a mounted page: the app says so, and says it
// again when a request fails.
func TestOfflineNotice(t *testing.T) {
	requireBrowser(t)
	t.Parallel()
	env := testenv.Start(t)
	b := newBrowser(t)
	b.open(env.URL+"/login", "login")
	setOffline(t, b, true)
	b.waitText("#offline-notice", "离线")
	setOffline(t, b, false)
	b.waitFor("the notice to go", `document.getElementById("offline-notice") === null`)
}

// TestRepeatVisitOffline: one visit installs the service worker; with the network gone, another
// page still opens from its cache, says that the device is offline, and says why the puzzle
// cannot load.
func TestRepeatVisitOffline(t *testing.T) {
	requireBrowser(t)
	t.Parallel()
	env := testenv.Start(t)
	b := newBrowser(t)
	b.open(env.URL+"/login", "login")
	b.waitFor("the service worker's cache", workerReady)
	setOffline(t, b, true)
	b.open(env.URL+"/register?entry=registration", "register")
	b.waitText("#offline-notice", "离线")
	b.waitText("#captcha-error", "网络连接失败")
}

func setOffline(t *testing.T, b *browser, offline bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
	defer cancel()
	if err := emulateNetwork(ctx, network{offline: offline}); err != nil {
		t.Fatal(err)
	}
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

// TestOtherPagesAndAWrongPassword opens the pages no journey passes through and signs in with a
// wrong pair: the agreement page, a mistyped address, and the one generic sign-in error.
func TestOtherPagesAndAWrongPassword(t *testing.T) {
	requireBrowser(t)
	t.Parallel()
	env := testenv.Start(t)
	b := newBrowser(t)
	b.phone()

	b.open(env.URL+"/agreement", "agreement")
	b.waitText(".card", "中国教师资格网注册协议")

	b.open(env.URL+"/sso/mailResetPass.html", "notfound")
	b.waitText(".card", "页面不存在")

	b.open(env.URL+"/login?entry=registration", "login")
	if got := b.text(".login-welcome"); !strings.Contains(got, "定期注册登录入口") {
		t.Errorf("welcome line %q, want the 定期注册 entry", got)
	}
	b.typeInto("doc_number", newApplicant().docNumber)
	b.typeInto("password", "not the password")
	b.solveCaptcha(env)
	b.click("#login-submit")
	b.waitText("#form-error", "证件号码或密码错误")
}
