//go:build !js

package e2e

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"jszg/server/account"
	"jszg/server/account/accounttest"
	"jszg/server/config"
	"jszg/server/testenv"
	"jszg/shared/errcode"
)

// photoFile writes a picture of w×h with a phone photo's detail to dir as name: JPEG at
// quality q, or PNG whatever the name says.
func photoFile(t testing.TB, dir, name string, w, h, q int, asPNG bool) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	r := rand.New(rand.NewPCG(uint64(w), uint64(h)))
	for y := range h {
		for x := range w {
			n := uint8(r.IntN(40))
			img.Set(x, y, color.RGBA{uint8(x*200/w) + n, uint8(y*200/h) + n, uint8((x^y)&0x7F) + n, 255})
		}
	}
	var b bytes.Buffer
	if asPNG {
		_ = png.Encode(&b, img)
	} else {
		_ = jpeg.Encode(&b, img, &jpeg.Options{Quality: q})
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// unverifiedApplicant puts an account the stand-in authority has no record of straight into the
// store (registration has its own journeys) and returns how to sign in with it.
func unverifiedApplicant(t *testing.T, env *testenv.Env) applicant { return newApplicantIn(t, env) }

func newApplicantIn(t testing.TB, env *testenv.Env) applicant {
	t.Helper()
	a := newApplicant()
	acc := accounttest.Sample(account.NewID(), a.docNumber, time.Now())
	acc.Name, acc.Phone, acc.Email, acc.ValidityTerm, acc.ValidFrom, acc.ValidUntil = a.name, a.phone, a.email, a.term, a.validFrom, "2040-03-01"
	acc.BirthDate, acc.Sex = "1990-05-17", "男"
	acc.PasswordHash = account.NewHasher(account.HashParams{MemoryKiB: 1024, Time: 1, Threads: 1}).Hash(a.password)
	if err := env.Server.Stores.Accounts.Create(context.Background(), acc); err != nil {
		t.Fatal(err)
	}
	return a
}

func (b *browser) upload(id, path string) {
	b.tb.Helper()
	b.must(chromedp.SetUploadFiles(chromedp.ID(id), []string{path}))
}

// staffSignInPage signs the first admin in at /admin with a fresh TOTP code and changes the
// one-time password when asked.
func staffSignInPage(t *testing.T, b *browser, env *testenv.Env, password string) string {
	t.Helper()
	first := env.Server.FirstAdmin
	u, _ := url.Parse(first.TOTPURI)
	code, _ := totp.GenerateCode(u.Query().Get("secret"), time.Now())
	b.open(env.URL+"/admin", "admin")
	b.waitFor("the sign-in form", `!!document.getElementById("admin-user")`)
	b.typeInto("admin-user", "admin")
	b.typeInto("admin-password", password)
	b.typeInto("admin-code", code)
	b.click("#admin-signin-submit")
	if password == first.Password {
		b.waitFor("the password change", `!!document.getElementById("admin-old-password")`)
		b.typeInto("admin-old-password", first.Password)
		b.typeInto("admin-new-password", "reviewer passphrase 2026")
		b.click("#admin-password-submit")
		password = "reviewer passphrase 2026"
	}
	b.waitFor("the queue", `!!document.getElementById("queue-title")`)
	return password
}

// TestRealNameThenManualReviewApproved is the journey: three failed verifications at
// the stand-in, the fourth refused with the quota message, a manual review with one photo too
// large and one PNG named .jpg (each refused by its bytes, converted in the page, accepted),
// pending locks verification, a reviewer signs in with TOTP, claims and approves, and the
// applicant sees the approval, passes the business gate and has the notice. axe runs on every
// new page and dialog, in both modes.
func TestRealNameThenManualReviewApproved(t *testing.T) {
	requireBrowser(t)
	t.Parallel()
	src := axeSource(t)
	env := testenv.Start(t, testenv.WithConfig(func(c *config.Config) {
		c.Entries = map[string]string{"certification": "/agreement", "registration": "/agreement"}
	}))
	a := unverifiedApplicant(t, env)
	b := newBrowser(t)
	b.phone()

	b.open(env.URL+"/login?entry=certification", "login")
	signIn(b, env, a)
	b.open(env.URL+"/profile?entry=certification", "profile")
	b.waitText("#gate-text", errcode.RealNameRequired.Message())
	b.everyWay(src, "业务入口 refused")
	b.click("#gate-ok")
	// The dialog goes and the page renders again; the link is clicked once it stands alone.
	b.waitFor("the gate dialog closed", `document.getElementById("gate-dialog") === null && document.getElementById("goto-realname") !== null`)

	b.click("#goto-realname")
	b.waitPage("realname")
	b.waitFor("the identity", `!!document.getElementById("realname-submit")`)
	b.everyWay(src, "实名核验")
	for left := 3; left >= 1; left-- {
		b.click("#realname-submit")
		b.waitText("#realname-remaining", fmt.Sprintf("您还剩%d次", left))
		b.waitText("#realname-name-check", "姓名为："+a.name)
		if left == 3 {
			b.everyWay(src, "实名核验 confirm dialog")
		}
		b.click("#realname-confirm")
		b.waitFor("the guidance", `!!document.getElementById("guidance-title")`)
		if left == 3 {
			b.everyWay(src, "实名核验 failure guidance")
		}
		b.click("#guidance-back")
	}
	b.click("#realname-submit")
	b.waitText("#realname-remaining", "您还剩0次")
	b.click("#realname-confirm")
	b.waitText("#realname-message", errcode.RealNameQuota.Message())
	if n := env.Server.Authority.Calls(); n != 3 {
		t.Fatalf("%d verifications reached the authority, want 3", n)
	}

	b.click("#apply-review-quota")
	b.waitPage("review")
	b.waitFor("the form", `!!document.getElementById("review-form")`)
	b.everyWay(src, "人工审核")
	dir := t.TempDir()
	b.upload("photo_front-file", photoFile(t, dir, "front.jpg", 3000, 2000, 95, false))
	b.upload("photo_back-album", photoFile(t, dir, "back.jpg", 900, 600, 0, true))
	b.upload("photo_holding-file", photoFile(t, dir, "holding.jpg", 600, 800, 70, false))
	b.waitText("#photo_front-error", errcode.PhotoTooLarge.Message())
	b.waitText("#photo_back-error", errcode.PhotoNotJPEG.Message())
	b.waitText("#photo-holding-result", "符合要求")
	b.everyWay(src, "人工审核 with refused photos")
	b.click("#photo_front-convert")
	b.waitText("#photo-front-result", "已转换")
	b.click("#photo_back-convert")
	b.waitText("#photo-back-result", "已转换")
	for _, k := range []string{"front", "back"} {
		if n := eval[int](b, fmt.Sprintf(`+document.getElementById("photo-%s-result").dataset.bytes`, k)); n <= 0 || n >= 190*1024 {
			t.Fatalf("converted %s photo is %d bytes", k, n)
		}
	}
	b.typeInto("rv-reason", "实名核验三次未通过，身份证近期换领")
	b.click("#review-submit")
	b.waitText("#review-remaining", "您还剩3次机会")
	b.everyWay(src, "人工审核 confirm dialog")
	b.click("#review-confirm")
	b.waitText("#review-message", "您已提交人工审核，请耐心等待")

	// Pending locks verification.
	b.open(env.URL+"/realname", "realname")
	b.waitText("#realname-message", "待人工审核期间，您不能进行实名核验。")
	if !eval[bool](b, `document.getElementById("realname-submit").disabled`) {
		t.Fatal("verification is offered during a pending review")
	}

	// The reviewer, in the same browser (staff sessions have their own cookie), on a desktop.
	b.desktop()
	staffSignInPage(t, b, env, env.Server.FirstAdmin.Password)
	b.everyWay(src, "审核工作台 queue")
	b.desktop()
	b.must(chromedp.Click(chromedp.CSS(`#queue button[id^="claim-"]`)))
	b.waitFor("the case", `!!document.getElementById("case-title")`)
	b.waitFor("the photos to load", `["front","back","holding"].every(k => { const i = document.getElementById("photo-" + k); return i && i.complete && i.naturalWidth > 0 })`)
	b.everyWay(src, "审核工作台 case")
	b.desktop()
	b.click("#approve")
	b.waitText("#admin-notice", "已通过")
	b.click("#nav-staff")
	b.waitFor("the staff list", `!!document.getElementById("staff-title")`)
	b.typeInto("new-staff-user", "wang")
	b.click("#new-staff-submit")
	b.waitText("#staff-created", "一次性密码")
	b.click("#toggle-wang")
	b.waitText(`section[aria-labelledby="staff-title"] table`, "已停用")
	b.everyWay(src, "审核工作台 staff")
	b.desktop()
	b.click("#nav-audit")
	b.waitText("#audit", "review_approved")
	b.everyWay(src, "审核工作台 audit log")

	// The applicant sees the approval, passes the gate, and had the notice by SMS.
	b.phone()
	b.open(env.URL+"/profile", "profile")
	b.waitText("#real-name-hint", "人工审核通过，可正常办理业务。如有需要，仍可进行实名核验。")
	b.open(env.URL+"/profile?entry=certification", "profile")
	b.waitPage("agreement")
	msgs, err := env.Outbox(a.phone)
	if err != nil || len(msgs) == 0 || !strings.Contains(msgs[0].Text, "通过") {
		t.Fatalf("no notice of the decision: %+v, %v", msgs, err)
	}
}

// TestManualReviewRejectedThenReapplied: a reviewer rejects with a template reason and a
// note; the applicant reads the reason and applies again, with one application fewer.
func TestManualReviewRejectedThenReapplied(t *testing.T) {
	requireBrowser(t)
	t.Parallel()
	env := testenv.Start(t)
	a := unverifiedApplicant(t, env)
	b := newBrowser(t)
	b.desktop()
	b.open(env.URL+"/login", "login")
	signIn(b, env, a)
	dir := t.TempDir()
	apply := func(left int) {
		b.open(env.URL+"/review", "review")
		b.waitFor("the form", `!!document.getElementById("review-form")`)
		for _, k := range []string{"front", "back", "holding"} {
			b.upload("photo_"+k+"-file", photoFile(t, dir, k+".jpg", 640, 420, 70, false))
			b.waitText("#photo-"+k+"-result", "符合要求")
		}
		b.typeInto("rv-reason", "证件类型为港澳台居民居住证")
		b.click("#review-submit")
		b.waitText("#review-remaining", fmt.Sprintf("您还剩%d次机会", left))
		b.click("#review-confirm")
		b.waitText("#review-message", "您已提交人工审核，请耐心等待")
	}
	apply(3)
	staffSignInPage(t, b, env, env.Server.FirstAdmin.Password)
	b.must(chromedp.Click(chromedp.CSS(`#queue button[id^="claim-"]`)))
	b.waitFor("the case", `!!document.getElementById("reject-template")`)
	b.must(chromedp.SetValue(chromedp.ID("reject-template"), "照片不清晰，无法识别证件信息"))
	eval[chromedp.Void](b, `document.getElementById("reject-template").dispatchEvent(new Event("change", {bubbles: true}))`)
	b.typeInto("reject-text", "请在光线充足处重新拍摄")
	b.click("#reject")
	b.waitText("#admin-notice", "已驳回")

	b.open(env.URL+"/review", "review")
	b.waitText("#review-message", "照片不清晰，无法识别证件信息；请在光线充足处重新拍摄")
	apply(2)
	msgs, _ := env.Outbox(a.phone)
	if len(msgs) == 0 || !strings.Contains(msgs[0].Text, "未通过") {
		t.Fatalf("no notice of the rejection: %+v", msgs)
	}
}
