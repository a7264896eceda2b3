package app

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"jszg/shared/api"
	"jszg/shared/contact"
	"jszg/shared/document"
	"jszg/shared/errcode"
	"jszg/shared/password"
	"jszg/shared/validator"
)

// registerFields is the order of the form's fields, the order errors are looked at in (the page
// scrolls to the first one).
var registerFields = []string{
	"doc_type", "region", "doc_number", "name", "permit_number", "local_id",
	"validity_term", "valid_from", "valid_until", "password", "password_confirm",
	"email", "phone", "captcha", "code_source", "code", "agreed",
}

// The ways to receive the code, in the order the seed offers them.
var codeSources = []struct{ value, label string }{
	{api.CodeBySMS, "通过短信"},
	{api.CodeByWeChat, "微信扫码"},
}

// Wording of 微信扫码.
const (
	msgScanForCode  = "请使用微信扫描二维码，关注中国教师资格网服务号后获取验证码"
	msgScanDone     = "扫码成功"
	msgCodeInWeChat = "验证码已发送至您的微信，请查看中国教师资格网服务号消息。"
	msgScanFirst    = "请先使用微信扫描二维码获取验证码"
)

// registerPage is 注册. Every rule is checked in the browser by the shared validator, the code
// the server runs, as the applicant leaves each field; the server's own verdict (a code that is
// wrong, a number already registered) comes back per field and is shown at that field. Nothing
// the applicant typed is lost when a request fails.
type registerPage struct {
	app.Compo

	ready    bool
	entry    string
	returnTo string

	form       api.RegisterRequest
	touched    map[string]bool
	errs       map[string]string // the shared rules' verdict on the current input
	serverErrs map[string]string // the server's last verdict, until the field is edited
	formErr    string
	busy       bool
	captcha    slideCaptcha

	sending    bool
	resendAt   time.Time
	countdown  int
	codeNotice string

	// wechat is the QR code of 微信扫码: the code comes in the WeChat chat of the service
	// account, and the new account is bound to that WeChat user.
	wechat scanWatch

	showAgreement bool
	dotCopied     bool

	// moe: arriving from 教育部账号登录 with a number the platform vouched for, which is
	// prefilled and locked; moeLocked once the offer has been read.
	moe       bool
	moeLocked bool
}

func (p *registerPage) OnNav(ctx app.Context) {
	q := ctx.Page().URL().Query()
	p.entry, p.returnTo = q.Get("entry"), q.Get("return_to")
	p.moe = q.Get("moe") == "1"
	ctx.Page().SetTitle("注册 - " + siteName)
	// go-app calls OnNav after OnMount: the address is known only here.
	if p.moe && !p.moeLocked && app.IsClient {
		p.loadMoEOffer(ctx)
	}
}

func (p *registerPage) OnInit() {
	p.form.DocType = api.DocIDCard
	p.form.CodeSource = api.CodeBySMS
	p.touched = map[string]bool{}
	p.errs = map[string]string{}
	p.serverErrs = map[string]string{}
}

func (p *registerPage) OnMount(ctx app.Context) {
	p.wechat.mount(ctx)
	p.ready = true
	p.captcha.load(ctx)
	markReady(ctx)
}

// loadMoEOffer reads the registration 教育部账号登录 offered: its number (and name, as a
// suggestion) go into the form, the number locked.
func (p *registerPage) loadMoEOffer(ctx app.Context) {
	ctx.Async(func() {
		offer, err := fetchMoEPending()
		ctx.Dispatch(func(ctx app.Context) {
			if err != nil {
				p.formErr = userMessage(err)
				return
			}
			p.setDocType(offer.DocType)
			p.form.DocNumber = offer.DocNumber
			if p.form.Name == "" {
				p.form.Name = offer.Name
			}
			p.moeLocked = true
			p.edited("doc_number")
		})
	})
}

// OnDismount stops watching the QR code: nobody is looking at it any more.
func (p *registerPage) OnDismount() { p.wechat.stop() }

// request is the form as it is sent: fields of the other document type dropped, the end date
// derived from the start date and the term, and with 微信扫码 the scene the code was sent for.
func (p *registerPage) request() api.RegisterRequest {
	r := p.form
	if r.DocType != api.DocResidencePermit {
		r.Region, r.PermitNumber, r.LocalID = "", "", ""
	}
	r.ValidUntil = p.validUntil()
	r.WeChatScene = ""
	if r.CodeSource == api.CodeByWeChat {
		r.WeChatScene = p.wechat.sceneID()
	}
	return r
}

// validUntil is 有效截止日期: the start date plus the term, empty for 长期 or while the start
// date is missing.
func (p *registerPage) validUntil() string {
	from, ok := document.ParseDate(p.form.ValidFrom)
	if !ok {
		return ""
	}
	end, ok := document.TermEnd(p.form.ValidityTerm, from)
	if !ok {
		return ""
	}
	return document.FormatDate(end)
}

// revalidate runs the shared validator over the whole form, so rules that tie fields together
// (a password that repeats the phone number, a term that does not fit the holder's age) are
// judged exactly as the server will judge them. Only fields the applicant has left or submitted
// show their message.
func (p *registerPage) revalidate() {
	r := p.request()
	_, errs := validator.ValidateRegistration(&r, today())
	p.errs = map[string]string{}
	for _, e := range errs {
		f := e.Field
		if f == "" {
			continue
		}
		if _, seen := p.errs[f]; !seen {
			p.errs[f] = e.Error()
		}
	}
}

func (p *registerPage) fieldErr(field string) string {
	if m := p.serverErrs[field]; m != "" {
		return m
	}
	if p.touched[field] {
		return p.errs[field]
	}
	return ""
}

// edited records a change to field: the server's old verdict on it no longer applies.
func (p *registerPage) edited(field string) {
	delete(p.serverErrs, field)
	p.formErr = ""
	p.revalidate()
}

// left marks field as visited, so its message shows from now on.
func (p *registerPage) left(field string) {
	p.touched[field] = true
	if field == "valid_from" || field == "validity_term" {
		// The end date is derived, never left by hand: its verdict (an expired document)
		// shows once what it is derived from has been given.
		p.touched["valid_until"] = true
	}
	p.revalidate()
}

// text binds a text input to a form field.
func (p *registerPage) text(field string, dst *string) (onInput, onBlur app.EventHandler) {
	onInput = func(ctx app.Context, _ app.Event) {
		*dst = ctx.JSSrc().Get("value").String()
		p.edited(field)
		if field == "valid_from" {
			if d, ok := normalizeDate(*dst); ok && len(d) == len(*dst) {
				// A whole date typed is a date given: its verdict need not wait for a blur.
				*dst = d
				p.left(field)
			}
		}
	}
	onBlur = func(ctx app.Context, _ app.Event) {
		if field == "valid_from" {
			if d, ok := normalizeDate(*dst); ok && d != *dst {
				*dst = d
				p.edited(field)
			}
		}
		if strings.TrimSpace(*dst) != "" || p.touched[field] {
			p.left(field)
		}
	}
	return onInput, onBlur
}

func (p *registerPage) setDocType(t string) {
	p.form.DocType = t
	if t == api.DocResidencePermit {
		// A residence permit always runs 5 years.
		p.form.ValidityTerm = api.Term5Years
	}
	p.edited("doc_type")
}

// setCodeSource switches between 通过短信 and 微信扫码. Choosing WeChat shows a QR code at once
// (the one shown before, when it is still waiting or its code was sent); going back to SMS stops
// watching it.
func (p *registerPage) setCodeSource(source string) {
	if source == p.form.CodeSource {
		return
	}
	p.form.CodeSource = source
	delete(p.serverErrs, "code")
	p.edited("code_source")
	if source != api.CodeByWeChat {
		p.wechat.stop()
		return
	}
	if p.wechat.status == api.SceneCodeSent || p.wechat.resume() {
		return
	}
	p.wechat.start(createRegisterScene, p.onScan)
}

// onScan follows the QR code: once the code is in the WeChat chat, the code field is next.
func (p *registerPage) onScan(ctx app.Context) {
	if p.wechat.status == api.SceneCodeSent {
		delete(p.serverErrs, "code")
		p.scrollTo(ctx, "code")
	}
}

func (p *registerPage) sendCode(ctx app.Context, _ app.Event) {
	if p.sending || p.countdown > 0 {
		return
	}
	p.touched["phone"] = true
	p.revalidate()
	delete(p.serverErrs, "code")
	p.codeNotice = ""
	if p.errs["phone"] != "" || p.serverErrs["phone"] != "" {
		return
	}
	pass, ok := p.captcha.takePass(ctx)
	if !ok {
		p.serverErrs["captcha"] = errcode.CaptchaRequired.Message()
		return
	}
	delete(p.serverErrs, "captcha")
	phone, _ := contact.NormalizePhone(p.form.Phone) // valid: checked above
	req := api.SendCodeRequest{Phone: phone, Purpose: api.PurposeRegister, Captcha: pass}
	p.sending = true
	ctx.Async(func() {
		res, err := sendSMSCode(req)
		ctx.Dispatch(func(ctx app.Context) {
			p.sending = false
			// The pass is spent either way.
			p.captcha.reset(ctx)
			if err != nil {
				p.showServerErrors(err, "code")
				var ae *apiError
				if errors.As(err, &ae) && ae.Body.RetryAfter > 0 {
					p.startCountdown(ctx, ae.Body.RetryAfter)
				}
				return
			}
			p.codeNotice = fmt.Sprintf("验证码已发送至手机 %s，%d分钟内有效。", contact.MaskPhone(req.Phone), max(1, res.ExpiresIn/60))
			p.startCountdown(ctx, res.ResendAfter)
		})
	})
}

func (p *registerPage) startCountdown(ctx app.Context, seconds int) {
	if seconds <= 0 {
		seconds = 60
	}
	p.resendAt = time.Now().Add(time.Duration(seconds) * time.Second)
	p.countdown = seconds
	p.tick(ctx)
}

// tick updates the countdown once a second from the wall clock, so a throttled background tab
// still shows the right number when it comes back.
func (p *registerPage) tick(ctx app.Context) {
	ctx.After(time.Second, func(ctx app.Context) {
		left := int(time.Until(p.resendAt).Round(time.Second) / time.Second)
		if left < 0 {
			left = 0
		}
		p.countdown = left
		if left > 0 {
			p.tick(ctx)
		}
	})
}

// showServerErrors places the server's verdict: field errors at their fields, the rest at
// fallback (a field) or, without one, above the submit button.
func (p *registerPage) showServerErrors(err error, fallback string) {
	fields, form := fieldErrors(err)
	for f, m := range fields {
		if !slices.Contains(registerFields, f) {
			// A field the form does not show: say it above the buttons rather than nowhere.
			p.formErr = m
			continue
		}
		p.serverErrs[f] = m
	}
	if form != "" {
		if fallback != "" {
			p.serverErrs[fallback] = form
		} else {
			p.formErr = form
		}
	}
}

func (p *registerPage) submit(ctx app.Context, e app.Event) {
	e.PreventDefault()
	if p.busy {
		return
	}
	p.formErr = ""
	for _, f := range registerFields {
		p.touched[f] = true
	}
	p.revalidate()
	delete(p.serverErrs, "captcha")
	if !p.captcha.solved() {
		p.serverErrs["captcha"] = errcode.CaptchaRequired.Message()
	}
	if first := p.firstError(); first != "" {
		p.scrollTo(ctx, first)
		return
	}
	if p.form.CodeSource == api.CodeByWeChat && p.wechat.sceneID() == "" {
		// Nothing to check the code against: no QR code was shown.
		p.serverErrs["code"] = msgScanFirst
		p.scrollTo(ctx, "code")
		return
	}
	pass, ok := p.captcha.takePass(ctx)
	if !ok {
		p.serverErrs["captcha"] = errcode.CaptchaRequired.Message()
		p.scrollTo(ctx, "captcha")
		return
	}
	req := p.request()
	req.Captcha = pass
	p.busy = true
	ctx.Async(func() {
		_, err := register(&req)
		ctx.Dispatch(func(ctx app.Context) {
			p.busy = false
			if err != nil {
				p.captcha.reset(ctx)
				p.showServerErrors(err, "")
				if first := p.firstError(); first != "" {
					p.scrollTo(ctx, first)
				}
				return
			}
			q := url.Values{"registered": {"1"}}
			if p.entry != "" {
				q.Set("entry", p.entry)
			}
			if p.returnTo != "" {
				q.Set("return_to", p.returnTo)
			}
			ctx.Navigate(pathLogin + "?" + q.Encode())
		})
	})
}

func (p *registerPage) firstError() string {
	for _, f := range registerFields {
		if p.fieldErr(f) != "" {
			return f
		}
	}
	return ""
}

// scrollTo brings the field's row into view and focuses its control, so that a keyboard or
// screen-reader user lands on the message too.
func (p *registerPage) scrollTo(ctx app.Context, field string) {
	focusFirstIn(ctx, "row-"+field)
}

func (p *registerPage) Render() app.UI {
	f := &p.form
	permit := f.DocType == api.DocResidencePermit
	terms := allTerms
	if permit {
		terms = []string{api.Term5Years}
	}
	back := pathLogin
	if p.entry != "" || p.returnTo != "" {
		q := url.Values{}
		if p.entry != "" {
			q.Set("entry", p.entry)
		}
		if p.returnTo != "" {
			q.Set("return_to", p.returnTo)
		}
		back += "?" + q.Encode()
	}
	until := p.validUntil()
	wechat := f.CodeSource == api.CodeByWeChat
	codeNotice := p.codeNotice
	if wechat {
		codeNotice = ""
		if p.wechat.status == api.SceneCodeSent {
			codeNotice = msgCodeInWeChat
		}
	}
	untilPlaceholder := "选择开始日期后自动生成"
	if f.ValidityTerm == api.TermLongTerm {
		untilPlaceholder = "长期有效"
	}

	return frame("register", p.ready,
		app.Section().Class("card", "register-card").Body(
			app.H1().Text("注册"),
			app.Form().ID("register-form").Class("form", "form-grid").NoValidate(true).OnSubmit(p.submit).Body(
				app.If(p.moeLocked, func() app.UI {
					return app.P().ID("moe-notice").Class("notice", "notice-info").Attr("role", "status").
						Text("您已通过教育部账号登录，证件号码来自教育部统一身份认证平台，不可修改。注册后即可使用两种方式登录。")
				}),
				p.row("doc_type", "身份证件类型", true,
					disabledSelectIf(app.Select().ID("doc_type").Name("doc_type").Class("input"), p.moeLocked).
						OnChange(func(ctx app.Context, _ app.Event) {
							p.setDocType(ctx.JSSrc().Get("value").String())
						}).Body(
						selectedIf(app.Option().Value(api.DocIDCard), !permit).Text(docTypeLabel(api.DocIDCard)),
						selectedIf(app.Option().Value(api.DocResidencePermit), permit).Text(docTypeLabel(api.DocResidencePermit)),
					),
				),
				// The permit's fields sit in containers that are always there, so the rows after
				// them keep their places (and their elements) when the document type changes.
				app.Div().Class("permit-slot").Body(app.If(permit, func() app.UI {
					return p.row("region", "地区", true,
						app.Select().ID("region").Name("region").Class("input", invalidClass(p.fieldErr("region"))).
							OnChange(func(ctx app.Context, _ app.Event) {
								f.Region = ctx.JSSrc().Get("value").String()
								p.touched["region"] = true
								p.edited("region")
							}).Body(
							selectedIf(app.Option().Value(""), f.Region == "").Text("---请选择---"),
							app.Range([]string{api.RegionHongKong, api.RegionMacau, api.RegionTaiwan}).Slice(func(i int) app.UI {
								r := []string{api.RegionHongKong, api.RegionMacau, api.RegionTaiwan}[i]
								return selectedIf(app.Option().Value(r), f.Region == r).Text(regionLabel(r))
							}),
						),
					)
				})),
				p.row("doc_number", "身份证件号码", true,
					// The number is the account's user name: password managers save it with the password.
					readOnlyIf(p.input("doc_number", "text", "请准确填写", &f.DocNumber).
						Attr("autocapitalize", "characters").Attr("spellcheck", "false").MaxLength(24).
						Attr("autocomplete", "username"), p.moeLocked),
				),
				p.row("name", "姓名", true,
					p.input("name", "text", "请填写与身份证件一致的姓名", &f.Name, "name-tip").
						Attr("autocomplete", "name").Attr("spellcheck", "false"),
					p.dotTip(),
				),
				app.Div().Class("permit-slot").Body(app.If(permit, func() app.UI {
					return app.Div().Class("permit-extra").Body(
						p.row("permit_number", "通行证号码", true,
							p.input("permit_number", "text", "请准确填写", &f.PermitNumber).
								Attr("autocapitalize", "characters").Attr("spellcheck", "false").MaxLength(16),
						),
						p.row("local_id", "港澳台当地身份证件号码", true,
							p.input("local_id", "text", "请准确填写", &f.LocalID).
								Attr("autocapitalize", "characters").Attr("spellcheck", "false").MaxLength(16),
						),
						app.Div().Class("field-note").Body(
							app.P().Text("持港澳居民来往内地通行证，通行证号码一栏请填写①处的内容；当地身份证件号码一栏请填写②处的内容。"),
							app.P().Text("持五年有效期台湾居民来往大陆通行证，通行证号码一栏请填写③处的内容；当地身份证件号码一栏请填写④处的内容。"),
							app.P().Text("办理教师资格业务需要完成实名核验才可进行，将使用通行证的信息进行实名核验，请务必保证姓名和通行证号码与证件上的信息一致。"),
						),
					)
				})),
				p.group("validity_term", "身份证件有效时间段", true,
					app.Div().ID("validity_term").Class("radios").Body(
						app.Range(terms).Slice(func(i int) app.UI {
							t := terms[i]
							id := "validity_term-" + t
							return app.Label().Class("radio").For(id).Body(
								checkedIf(app.Input().Type("radio").ID(id).Name("validity_term").Value(t), f.ValidityTerm == t).
									OnChange(func(ctx app.Context, _ app.Event) {
										f.ValidityTerm = t
										p.edited("validity_term")
										p.left("validity_term")
									}, app.EventScope(t)),
								app.Span().Text(termLabel(t)),
							)
						}),
					),
				),
				p.row("valid_from", "身份证件有效开始日期", true,
					// A text field, not type=date: a date input shows the browser's locale
					// (mm/dd/yyyy on many phones) beside the YYYY-MM-DD the rest of the page uses.
					p.input("valid_from", "text", "例：2020-03-01", &f.ValidFrom, "valid_from-tip").
						Attr("inputmode", "numeric").Attr("autocomplete", "off").MaxLength(10),
					app.P().ID("valid_from-tip").Class("field-tip").Text("格式：年-月-日，如 2020-03-01，可直接输入 20200301。"),
				),
				p.row("valid_until", "身份证件有效截止日期", true,
					app.Input().ID("valid_until").Name("valid_until").Type("text").Class("input", "input-derived").
						ReadOnly(true).Attr("tabindex", "-1").
						Placeholder(untilPlaceholder).Value(until),
				),
				p.row("password", "密码", true,
					p.input("password", "password", "8位以上", &f.Password, "password-strength").Attr("autocomplete", "new-password"),
					strengthMeter(f.Password),
				),
				p.row("password_confirm", "确认密码", true,
					p.input("password_confirm", "password", "请再次输入", &f.PasswordConfirm).Attr("autocomplete", "new-password"),
				),
				p.row("email", "安全邮箱", true,
					p.input("email", "email", "请输入", &f.Email).Attr("autocomplete", "email").Attr("inputmode", "email"),
				),
				p.row("phone", "手机号码", true,
					p.input("phone", "tel", "请输入", &f.Phone).Attr("autocomplete", "tel").Attr("inputmode", "numeric").MaxLength(11),
				),
				p.group("captcha", "图形验证码", true, p.captcha.render(p.serverErrs["captcha"])),
				p.group("code_source", "验证码来源", true,
					app.Div().ID("code_source").Class("code-sources").Body(
						app.Range(codeSources).Slice(func(i int) app.UI {
							src := codeSources[i]
							id := "code_source-" + src.value
							return app.Label().Class("source", activeClass(f.CodeSource == src.value)).For(id).Body(
								checkedIf(app.Input().Type("radio").ID(id).Name("code_source").Value(src.value), f.CodeSource == src.value).
									OnChange(func(ctx app.Context, _ app.Event) { p.setCodeSource(src.value) }, app.EventScope(src.value)),
								app.Span().Class("source-title").Text(src.label),
							)
						}),
					),
					app.If(wechat, func() app.UI { return p.wechat.render("wechat-scan", msgScanForCode, msgScanDone) }),
				),
				p.row("code", "验证码", true,
					app.Div().Class("code-line").Body(
						p.input("code", "text", "请输入验证码", &f.Code).
							Attr("inputmode", "numeric").Attr("autocomplete", "one-time-code").MaxLength(6),
						app.If(!wechat, func() app.UI {
							return inertIf(app.Button().ID("send-code").Type("button").Class("btn", "btn-outline", "btn-code"), p.sending || p.countdown > 0).
								Text(p.sendLabel()).
								OnClick(p.sendCode)
						}),
					),
					app.If(codeNotice != "", func() app.UI {
						return app.P().ID("code-notice").Class("field-tip", "tip-ok").Attr("role", "status").Text(codeNotice)
					}),
				),
				app.Div().ID("row-agreed").Class("field", "field-agree").DataSet("field", "agreed").Body(
					app.Div().Class("field-control").Body(
						app.Label().Class("checkbox").For("agreed").Body(
							checkedIf(app.Input().Type("checkbox").ID("agreed").Name("agreed"), f.Agreed).
								OnChange(func(ctx app.Context, _ app.Event) {
									f.Agreed = ctx.JSSrc().Get("checked").Bool()
									p.touched["agreed"] = true
									p.edited("agreed")
								}),
							app.Span().Text("我已阅读并同意"),
						),
						app.A().ID("open-agreement").Href(pathAgreement).Text("《"+agreementTitle+"》").
							OnClick(func(ctx app.Context, e app.Event) {
								// Open the dialog instead of the page, which would drop what was
								// typed; stop go-app's link handling from navigating anyway.
								e.PreventDefault()
								e.Call("stopPropagation")
								p.showAgreement = true
								focus(ctx, "agreement-dialog")
							}),
						app.If(p.fieldErr("agreed") != "", func() app.UI {
							return app.Div().ID("agreed-error").Class("field-error").Attr("role", "alert").Text(p.fieldErr("agreed"))
						}),
					),
				),
				app.If(p.formErr != "", func() app.UI {
					return app.Div().ID("form-error").Class("notice", "notice-error").Attr("role", "alert").Text(p.formErr)
				}),
				app.Div().Class("form-actions").Body(
					disabledIf(app.Button().ID("register-submit").Type("submit").Class("btn", "btn-primary"), p.busy).
						Text(buttonText(p.busy, "提交", "正在提交…")),
					app.A().ID("register-back").Class("btn", "btn-outline").Href(back).Text("返回"),
				),
			),
		),
		app.If(p.showAgreement, func() app.UI {
			closeAgreement := func(ctx app.Context) {
				focusNow("open-agreement")
				p.showAgreement = false
			}
			return dialog("agreement-dialog", "dialog", "agreement-title", closeAgreement,
				// Focusable, so the keyboard can scroll the long text.
				app.Div().Class("dialog-body").Attr("tabindex", 0).Body(agreementText()),
				app.Div().Class("dialog-actions").Body(
					app.Button().ID("agreement-accept").Type("button").Class("btn", "btn-primary").Text("同意").
						OnClick(func(ctx app.Context, _ app.Event) {
							f.Agreed = true
							p.edited("agreed")
							closeAgreement(ctx)
						}),
					app.Button().ID("agreement-close").Type("button").Class("btn", "btn-outline").Text("关闭").
						OnClick(func(ctx app.Context, _ app.Event) { closeAgreement(ctx) }),
				),
			)
		}),
	)
}

// dotTip is the tip under 姓名 with the separator "·" large enough to see and a button that
// copies it, since few input methods can type it.
func (p *registerPage) dotTip() app.UI {
	return app.Div().ID("name-tip").Class("field-tip", "dot-tip").Body(
		app.Span().Text("提示：如您的姓名中包含间隔符，请复制冒号后方的点号："),
		app.Span().Class("dot-sample").Attr("aria-label", "间隔符").Text("·"),
		app.Button().ID("copy-dot").Type("button").Class("btn", "btn-small", "btn-outline").
			Attr("aria-label", "复制间隔符").Text("复制").
			OnClick(func(ctx app.Context, _ app.Event) {
				p.dotCopied = copyText("·")
			}),
		app.Span().ID("copy-dot-status").Class("tip-ok").Attr("role", "status").Body(
			app.If(p.dotCopied, func() app.UI { return app.Text("已复制，可在姓名中粘贴") }),
		),
	)
}

func (p *registerPage) sendLabel() string {
	switch {
	case p.sending:
		return "正在发送…"
	case p.countdown > 0:
		return fmt.Sprintf("%d秒后重新获取", p.countdown)
	}
	return "免费获取验证码"
}

// row is one labelled field of the form with its message.
func (p *registerPage) row(field, label string, required bool, control app.UI, extra ...app.UI) app.UI {
	return app.Div().ID("row-" + field).Body(fieldRow(field, label, required, p.fieldErr(field), control, extra...))
}

// group is row for a group of controls: the radio groups and the captcha.
func (p *registerPage) group(field, label string, required bool, control app.UI, extra ...app.UI) app.UI {
	msg := p.fieldErr(field)
	if field == "captcha" {
		// The slider prints its own message (and the form's) under itself.
		msg = ""
	}
	return app.Div().ID("row-" + field).Body(groupRow(field, label, required, msg, control, extra...))
}

// input is a text-like input bound to a form field with live validation; tips are the ids of
// the texts that describe it besides its error.
func (p *registerPage) input(field, typ, placeholder string, dst *string, tips ...string) app.HTMLInput {
	onInput, onBlur := p.text(field, dst)
	msg := p.fieldErr(field)
	in := app.Input().ID(field).Name(field).Type(typ).Class("input", invalidClass(msg)).
		Placeholder(placeholder).Value(*dst).
		Attr("aria-invalid", msg != "").
		// The scope tells go-app these handlers differ from another field's: they come from
		// the same func literal, and go-app would otherwise keep the old one on an element it
		// reuses for another field when the permit fields appear or go.
		OnInput(onInput, app.EventScope(field)).OnBlur(onBlur, app.EventScope(field))
	if d := describedBy(field, msg, tips...); d != "" {
		in = in.Attr("aria-describedby", d)
	}
	return in
}

// strengthMeter shows password.Strength as four bars and a word.
func strengthMeter(pw string) app.UI {
	if pw == "" {
		return app.Div().Class("strength", "strength-empty").Attr("aria-hidden", "true")
	}
	s := password.Strength(pw)
	words := []string{"太弱", "弱", "一般", "强", "很强"}
	if s < 0 {
		s = 0
	}
	if s > 4 {
		s = 4
	}
	return app.Div().ID("password-strength").Class("strength", fmt.Sprintf("strength-%d", s)).DataSet("strength", s).Body(
		app.Div().Class("strength-bars").Body(
			app.Span(), app.Span(), app.Span(), app.Span(),
		),
		app.Span().Class("strength-word").Text("密码强度："+words[s]),
	)
}
