package app

import (
	"fmt"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"jszg/shared/api"
	"jszg/shared/errcode"
	"jszg/shared/validator"
)

// Wording of 忘记密码, the seed's where it has one.
const (
	msgResetDone      = "密码重置成功，请使用新密码登录。"
	msgResetScan      = "请使用已绑定此账号的微信扫描二维码，确认身份后设置新密码"
	msgResetScanned   = "身份确认成功，请设置新密码"
	msgResetWeChatMsg = "也可向绑定的微信发送一条消息，点击消息中的链接设置新密码。"
)

// The steps of 忘记密码.
const (
	stepAccount = "account" // 输入账号
	stepVerify  = "verify"  // 安全验证
	stepDone    = "done"
)

// resetMethods are the ways of 安全验证, in the seed's order; WeChat only when offered.
var resetMethods = []struct{ value, label string }{
	{api.ResetByEmail, "邮箱重置密码"},
	{api.ResetBySMS, "短信验证重置密码"},
	{api.ResetByWeChat, "微信验证重置密码"},
}

// forgotPage is 忘记密码 (/forgot): the seed's explanation, then 输入账号 (type, number, name and
// the slide captcha) and 安全验证 with the way the applicant chooses. Whether the account exists
// is not told (the server answers the same either way); a typo in the number is caught here by
// the shared rules, since the server would answer it like any unknown account.
type forgotPage struct {
	app.Compo

	ctx   app.Context
	ready bool
	step  string

	docType, docNumber, name string
	errs                     map[string]string
	formErr                  string
	expired                  bool // the flow ran out: the form message offers to start again
	busy                     bool
	captcha                  slideCaptcha

	flow    string
	methods *api.PasswordResetMethods
	method  string

	sent       string // where the last link or code went (role=status)
	emailWait  resendWait
	smsWait    resendWait
	wechatWait resendWait
	code       string
	pw         passwordPair
	wechat     scanWatch
}

func (p *forgotPage) OnNav(ctx app.Context) { ctx.Page().SetTitle("忘记密码 - " + siteName) }

func (p *forgotPage) OnInit() {
	p.step = stepAccount
	p.errs = map[string]string{}
}

func (p *forgotPage) OnMount(ctx app.Context) {
	p.ctx = ctx
	p.wechat.mount(ctx)
	p.ready = true
	p.captcha.load(ctx)
	markReady(ctx)
}

// OnDismount stops watching a reset QR code nobody is looking at any more.
func (p *forgotPage) OnDismount() { p.wechat.stop() }

// checkAccount is the shared rules' verdict on a field of 输入账号.
func (p *forgotPage) checkAccount(field string) string {
	var err error
	switch field {
	case "doc_type":
		err = validator.ValidateDocType(p.docType)
	case "doc_number":
		if m := requiredMessage(p.docNumber, errcode.DocNumberRequired); m != "" || p.docType == "" {
			return m
		}
		err = validator.ValidateDocNumber(p.docType, "", p.docNumber, today())
	case "name":
		err = validator.ValidateName(p.name)
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

func (p *forgotPage) left(field string) {
	p.errs[field] = p.checkAccount(field)
}

func (p *forgotPage) submitAccount(ctx app.Context, e app.Event) {
	e.PreventDefault()
	if p.busy {
		return
	}
	p.formErr, p.expired = "", false
	for _, f := range []string{"doc_type", "doc_number", "name"} {
		p.left(f)
	}
	delete(p.errs, "captcha")
	if first := firstOf(p.errs, "doc_type", "doc_number", "name"); first != "" {
		focusFirstIn(ctx, "row-"+first)
		return
	}
	pass, ok := p.captcha.takePass(ctx)
	if !ok {
		p.errs["captcha"] = errcode.CaptchaRequired.Message()
		focusFirstIn(ctx, "row-captcha")
		return
	}
	req := api.PasswordResetStart{DocType: p.docType, DocNumber: normalizeDocNumber(p.docNumber), Name: strings.TrimSpace(p.name), Captcha: pass}
	p.busy = true
	p.ctx.Async(func() {
		flow, err := startReset(req)
		var methods *api.PasswordResetMethods
		if err == nil {
			methods, err = fetchResetMethods(flow.Flow)
		}
		p.ctx.Dispatch(func(ctx app.Context) {
			p.busy = false
			if err != nil {
				fields, form := fieldErrors(err)
				p.formErr = form
				for f, m := range fields {
					switch f {
					case "doc_type", "doc_number", "name":
						p.errs[f] = m
					case "captcha":
						p.captcha.message = m
					default:
						p.formErr = m
					}
				}
				p.captcha.load(ctx)
				if first := firstOf(p.errs, "doc_type", "doc_number", "name"); first != "" {
					focusFirstIn(ctx, "row-"+first)
				} else {
					focus(ctx, "form-error")
				}
				return
			}
			p.flow, p.methods = flow.Flow, methods
			p.step = stepVerify
			p.chooseMethod(api.ResetByEmail)
			focus(ctx, "verify-title")
		})
	})
}

// chooseMethod switches the way of 安全验证. The reset QR code is shown as soon as the WeChat way
// is chosen (the one still waiting, when there is one) and watched only while it is chosen.
func (p *forgotPage) chooseMethod(m string) {
	if m == p.method {
		return
	}
	p.method = m
	p.sent, p.formErr, p.expired = "", "", false
	p.pw.server = nil
	delete(p.errs, "code")
	if m != api.ResetByWeChat {
		p.wechat.stop()
		return
	}
	if p.wechat.status == api.SceneVerified || p.wechat.resume() {
		return
	}
	flow := p.flow
	p.wechat.start(func() (*api.WeChatScene, error) { return createResetScene(flow) }, func(ctx app.Context) {
		if p.wechat.status == api.SceneVerified {
			focus(ctx, fieldPassword)
		}
	})
}

// failed places a refusal of 安全验证: fields at their fields, an expired flow with the way back
// to 输入账号, the rest above the buttons.
func (p *forgotPage) failed(ctx app.Context, err error) {
	if c := errorCode(err); c == errcode.ResetFlowExpired {
		p.formErr, p.expired = c.Message(), true
		focus(ctx, "form-error")
		return
	}
	fields, form := fieldErrors(err)
	p.formErr = form
	p.pw.take(fields)
	if m := fields["code"]; m != "" {
		p.errs["code"] = m
	}
	for f, m := range fields {
		if f != "code" && f != fieldPassword && f != fieldPasswordConfirm {
			p.formErr = m
		}
	}
	if first := firstOf(map[string]string{"code": p.errs["code"], fieldPassword: p.pw.errFor(fieldPassword),
		fieldPasswordConfirm: p.pw.errFor(fieldPasswordConfirm)}, "code", fieldPassword, fieldPasswordConfirm); first != "" {
		focusFirstIn(ctx, "row-"+first)
	} else if p.formErr != "" {
		focus(ctx, "form-error")
	}
}

// send asks for the link or the code of the chosen way.
func (p *forgotPage) send(ctx app.Context, way string, wait *resendWait, sentText func(*api.PasswordResetSent) string) {
	if wait.busy() {
		return
	}
	p.formErr, p.sent = "", ""
	wait.sending = true
	flow := p.flow
	p.ctx.Async(func() {
		res, err := sendReset(way, flow)
		p.ctx.Dispatch(func(ctx app.Context) {
			wait.sending = false
			if err != nil {
				p.failed(ctx, err)
				if s := retryAfter(err); s > 0 {
					wait.start(ctx, s)
				}
				return
			}
			p.sent = sentText(res)
			wait.start(ctx, res.ResendAfter)
		})
	})
}

func (p *forgotPage) sendEmail(ctx app.Context, e app.Event) {
	e.PreventDefault()
	p.send(ctx, "email", &p.emailWait, func(r *api.PasswordResetSent) string {
		return fmt.Sprintf("重置密码的链接已发送至邮箱 %s，请在24小时内点击邮件中的链接设置新密码。", r.SentTo)
	})
}

func (p *forgotPage) sendSMS(ctx app.Context, _ app.Event) {
	p.send(ctx, "sms", &p.smsWait, func(r *api.PasswordResetSent) string {
		return fmt.Sprintf("验证码已发送至手机 %s，%d分钟内有效。", r.SentTo, max(1, r.ExpiresIn/60))
	})
}

func (p *forgotPage) sendWeChat(ctx app.Context, _ app.Event) {
	p.send(ctx, "wechat/link", &p.wechatWait, func(*api.PasswordResetSent) string {
		return "消息已发送至绑定的微信，请在中国教师资格网服务号中点击消息里的链接设置新密码（24小时内有效）。"
	})
}

// confirm is 确认 of the SMS and WeChat ways: the proof and the new password.
func (p *forgotPage) confirm(ctx app.Context, e app.Event) {
	e.PreventDefault()
	if p.busy {
		return
	}
	p.formErr, p.expired = "", false
	p.errs["code"] = ""
	if p.method == api.ResetBySMS {
		if err := validator.ValidateCode(p.code); err != nil {
			p.errs["code"] = err.Error()
		}
	}
	first := p.pw.submit()
	if p.errs["code"] != "" {
		first = "code"
	}
	if first != "" {
		focusFirstIn(ctx, "row-"+first)
		return
	}
	flow, method, code, pw, confirm, scene := p.flow, p.method, strings.TrimSpace(p.code), p.pw.pw, p.pw.confirm, p.wechat.sceneID()
	p.busy = true
	p.ctx.Async(func() {
		var err error
		if method == api.ResetBySMS {
			err = confirmResetSMS(api.PasswordResetSMSConfirm{Flow: flow, Code: code, Password: pw, PasswordConfirm: confirm})
		} else {
			err = confirmResetWeChat(api.PasswordResetWeChatConfirm{Flow: flow, Scene: scene, Password: pw, PasswordConfirm: confirm})
		}
		p.ctx.Dispatch(func(ctx app.Context) {
			p.busy = false
			if err != nil {
				p.failed(ctx, err)
				return
			}
			p.done(ctx)
		})
	})
}

func (p *forgotPage) done(ctx app.Context) {
	p.wechat.stop()
	p.pw.clear()
	p.step = stepDone
	focus(ctx, "reset-done")
}

// back returns from 安全验证 to 输入账号, keeping what was typed.
func (p *forgotPage) back(ctx app.Context, _ app.Event) {
	p.wechat.stop()
	p.step, p.method, p.flow, p.methods = stepAccount, "", "", nil
	p.formErr, p.expired, p.sent = "", false, ""
	p.captcha.load(ctx)
	focus(ctx, "doc_type")
}

func (p *forgotPage) Render() app.UI {
	return frame("forgot", p.ready,
		app.Section().Class("card", "reset-card").Body(
			app.H1().Text("忘记密码"),
			app.If(p.step == stepAccount, func() app.UI {
				return app.Div().ID("reset-ways").Class("reset-ways").Body(
					app.P().Text("解决密码遗忘途径如下："),
					app.Ol().Body(
						app.Li().Text("2019年3月1日之前注册的账号，不能进行密码重置，需要重新注册账号。"),
						app.Li().Text("通过点击“忘记密码”进行密码重置时，选择证件类型，输入与之对应的证件号码及姓名，点击“下一步”，您可以选择以下三种方式的一种进行密码重置：（a）邮件重置密码，（b）短信验证重置密码，（c）忘记密码前做过微信服务号关联的用户，还可以通过微信重置密码。"),
						app.Li().Text("如果您账号信息的姓名有误，或手机号码及邮箱不正确，请访问网站首页“常见问题”栏目，参照问题2的说明发邮件，工作人员将协助您核查账户信息或修改手机号码和邮箱信息。"),
					),
				)
			}),
			app.If(p.step != stepDone, func() app.UI { return resetSteps(p.step) }),
			app.If(p.step == stepAccount, p.renderAccount).
				ElseIf(p.step == stepVerify, p.renderVerify).
				Else(func() app.UI { return resetDone() }),
		),
	)
}

// resetSteps is the seed's 输入账号 / 安全验证 strip, the current step marked for screen readers.
func resetSteps(step string) app.UI {
	item := func(label string, on bool) app.UI {
		li := app.Li().Class("step", activeClass(on)).Text(label)
		if on {
			li = li.Attr("aria-current", "step")
		}
		return li
	}
	return app.Ol().Class("steps").Attr("aria-label", "密码重置步骤").Body(
		item("输入账号", step == stepAccount),
		item("安全验证", step == stepVerify),
	)
}

func resetDone() app.UI {
	return app.Div().Class("reset-done").Body(
		app.P().ID("reset-done").Class("notice", "notice-ok").Attr("role", "status").Attr("tabindex", "-1").Text(msgResetDone),
		app.A().ID("to-login").Class("btn", "btn-primary", "btn-block").Href(pathLogin).Text("返回登录"),
	)
}

func (p *forgotPage) formError() app.UI {
	if p.formErr == "" {
		return nil
	}
	return app.Div().ID("form-error").Class("notice", "notice-error").Attr("role", "alert").Attr("tabindex", "-1").Body(
		app.Text(p.formErr),
		app.If(p.expired, func() app.UI {
			return app.Button().ID("reset-restart").Type("button").Class("link-button").Text("重新输入账号").OnClick(p.back)
		}),
	)
}

func (p *forgotPage) renderAccount() app.UI {
	typeErr, numErr, nameErr := p.errs["doc_type"], p.errs["doc_number"], p.errs["name"]
	return app.Form().ID("reset-account").Class("form", "form-grid").NoValidate(true).OnSubmit(p.submitAccount).Body(
		row("doc_type", "证件类型", true, typeErr,
			app.Select().ID("doc_type").Name("doc_type").Class("input", invalidClass(typeErr)).
				Attr("aria-invalid", typeErr != "").Attr("aria-describedby", describedBy("doc_type", typeErr)).
				OnChange(func(ctx app.Context, _ app.Event) {
					p.docType = ctx.JSSrc().Get("value").String()
					p.left("doc_type")
					if p.errs["doc_number"] != "" || strings.TrimSpace(p.docNumber) != "" {
						p.left("doc_number")
					}
				}).Body(
				selectedIf(app.Option().Value(""), p.docType == "").Text("---请选择---"),
				selectedIf(app.Option().Value(api.DocIDCard), p.docType == api.DocIDCard).Text(docTypeLabel(api.DocIDCard)),
				selectedIf(app.Option().Value(api.DocResidencePermit), p.docType == api.DocResidencePermit).Text(docTypeLabel(api.DocResidencePermit)),
			),
		),
		row("doc_number", "证件号码", true, numErr,
			textField("doc_number", "text", "请准确填写", &p.docNumber, numErr,
				func() {
					if p.errs["doc_number"] != "" {
						p.left("doc_number")
					}
				},
				func() {
					if strings.TrimSpace(p.docNumber) != "" {
						p.left("doc_number")
					}
				}).
				Attr("autocomplete", "username").Attr("autocapitalize", "characters").Attr("spellcheck", "false").MaxLength(24),
		),
		row("name", "姓 名", true, nameErr,
			textField("name", "text", "请填写与身份证件一致的姓名", &p.name, nameErr,
				func() {
					if p.errs["name"] != "" {
						p.left("name")
					}
				},
				func() {
					if strings.TrimSpace(p.name) != "" {
						p.left("name")
					}
				}).
				Attr("autocomplete", "name").Attr("spellcheck", "false"),
		),
		app.Div().ID("row-captcha").Body(
			groupRow("captcha", "图形验证码", true, "", p.captcha.render(p.errs["captcha"])),
		),
		p.formError(),
		app.Div().Class("form-actions").Body(
			disabledIf(app.Button().ID("reset-next").Type("submit").Class("btn", "btn-primary"), p.busy).
				Text(buttonText(p.busy, "下一步", "正在查询…")),
			app.A().ID("reset-cancel").Class("btn", "btn-outline").Href(pathLogin).Text("返回"),
		),
	)
}

func (p *forgotPage) renderVerify() app.UI {
	m := p.methods
	var ways []struct{ value, label string }
	for _, w := range resetMethods {
		if w.value != api.ResetByWeChat || m.WeChat {
			ways = append(ways, w)
		}
	}
	var body app.UI
	switch p.method {
	case api.ResetBySMS:
		body = p.renderSMS()
	case api.ResetByWeChat:
		body = p.renderWeChat()
	default:
		body = p.renderEmail()
	}
	return app.Div().Class("reset-verify").Body(
		app.H2().ID("verify-title").Attr("tabindex", "-1").Text("安全验证"),
		app.Div().ID("row-method").Body(groupRow("method", "重置方式", false, "",
			app.Div().ID("method").Class("radios").Body(
				app.Range(ways).Slice(func(i int) app.UI {
					w := ways[i]
					id := "method-" + w.value
					return app.Label().Class("radio").For(id).Body(
						checkedIf(app.Input().Type("radio").ID(id).Name("method").Value(w.value), p.method == w.value).
							OnChange(func(ctx app.Context, _ app.Event) { p.chooseMethod(w.value) }, app.EventScope(w.value)),
						app.Span().Text(w.label),
					)
				}),
			),
		)),
		body,
	)
}

// sentNotice is where the last link or code went.
func (p *forgotPage) sentNotice() app.UI {
	return app.P().ID("reset-sent").Class("field-tip", "tip-ok").Attr("role", "status").Body(
		app.If(p.sent != "", func() app.UI { return app.Text(p.sent) }),
	)
}

func (p *forgotPage) renderEmail() app.UI {
	return app.Form().ID("reset-email-form").Class("form", "form-grid").NoValidate(true).OnSubmit(p.sendEmail).Body(
		shownRow("reset-email", "您注册的邮箱地址", p.methods.Email),
		p.sentNotice(),
		p.formError(),
		app.Div().Class("form-actions").Body(
			app.Button().ID("reset-back").Type("button").Class("btn", "btn-outline").Text("返回").OnClick(p.back),
			inertIf(app.Button().ID("reset-email-send").Type("submit").Class("btn", "btn-primary"), p.emailWait.busy()).
				Text(p.emailWait.label("确认")),
		),
	)
}

func (p *forgotPage) renderSMS() app.UI {
	codeErr := p.errs["code"]
	return app.Form().ID("reset-sms-form").Class("form", "form-grid").NoValidate(true).OnSubmit(p.confirm).Body(
		shownRow("reset-phone", "你注册的手机号码", p.methods.Phone),
		row("code", "验证码", true, codeErr,
			app.Div().Class("code-line").Body(
				textField("code", "text", "请输入验证码", &p.code, codeErr, func() { p.errs["code"] = "" }, nil).
					Attr("inputmode", "numeric").Attr("autocomplete", "one-time-code").MaxLength(6),
				inertIf(app.Button().ID("reset-sms-send").Type("button").Class("btn", "btn-outline", "btn-code"), p.smsWait.busy()).
					Text(p.smsWait.label("免费获取验证码")).OnClick(p.sendSMS),
			),
			p.sentNotice(),
		),
		p.pw.render("新密码"),
		p.formError(),
		p.verifyActions("reset-sms-confirm"),
	)
}

func (p *forgotPage) renderWeChat() app.UI {
	verified := p.wechat.status == api.SceneVerified
	return app.Div().Class("reset-wechat").Body(
		p.wechat.render("wechat-scan", msgResetScan, msgResetScanned),
		app.If(!verified, func() app.UI {
			return app.Div().Class("reset-wechat-link").Body(
				app.P().Class("field-tip").Text(msgResetWeChatMsg),
				inertIf(app.Button().ID("reset-wechat-send").Type("button").Class("btn", "btn-outline"), p.wechatWait.busy()).
					Text(p.wechatWait.label("发送微信消息")).OnClick(p.sendWeChat),
				p.sentNotice(),
			)
		}),
		app.Form().ID("reset-wechat-form").Class("form", "form-grid").NoValidate(true).OnSubmit(p.confirm).Body(
			app.If(verified, func() app.UI { return p.pw.render("新密码") }),
			p.formError(),
			app.If(verified, func() app.UI { return p.verifyActions("reset-wechat-confirm") }).
				Else(func() app.UI {
					return app.Div().Class("form-actions").Body(
						app.Button().ID("reset-back").Type("button").Class("btn", "btn-outline").Text("返回").OnClick(p.back),
					)
				}),
		),
	)
}

func (p *forgotPage) verifyActions(id string) app.UI {
	return app.Div().Class("form-actions").Body(
		app.Button().ID("reset-back").Type("button").Class("btn", "btn-outline").Text("返回").OnClick(p.back),
		disabledIf(app.Button().ID(id).Type("submit").Class("btn", "btn-primary"), p.busy).
			Text(buttonText(p.busy, "确认", "正在提交…")),
	)
}

// resetLinkPage is the page the e-mail's link and the WeChat message's link open
// (/reset/link?token=…): 新密码 / 确认密码 / 确认修改 / 返回登录. A link that is used, replaced
// or older than 24 hours says so and offers to start again.
type resetLinkPage struct {
	app.Compo

	ctx     app.Context
	ready   bool
	token   string
	checked bool
	link    *api.PasswordResetLink
	loadErr string
	pw      passwordPair
	formErr string
	busy    bool
	done    bool
}

func (p *resetLinkPage) OnMount(ctx app.Context) {
	p.ctx = ctx
	p.ready = true
	markReady(ctx)
}

// OnNav checks the link; go-app calls it after OnMount, with the address.
func (p *resetLinkPage) OnNav(ctx app.Context) {
	ctx.Page().SetTitle("忘记密码 - " + siteName)
	p.token = ctx.Page().URL().Query().Get("token")
	if !app.IsClient {
		return
	}
	p.checked, p.link, p.loadErr = false, nil, ""
	token := p.token
	ctx.Async(func() {
		l, err := checkResetLink(token)
		ctx.Dispatch(func(ctx app.Context) {
			p.checked = true
			if err != nil {
				p.loadErr = userMessage(err)
				return
			}
			p.link = l
		})
	})
}

func (p *resetLinkPage) submit(ctx app.Context, e app.Event) {
	e.PreventDefault()
	if p.busy {
		return
	}
	p.formErr = ""
	if first := p.pw.submit(); first != "" {
		focusFirstIn(ctx, "row-"+first)
		return
	}
	req := api.PasswordResetLinkConfirm{Token: p.token, Password: p.pw.pw, PasswordConfirm: p.pw.confirm}
	p.busy = true
	p.ctx.Async(func() {
		err := confirmResetLink(req)
		p.ctx.Dispatch(func(ctx app.Context) {
			p.busy = false
			if err != nil {
				if errorCode(err) == errcode.ResetLinkInvalid {
					p.link = &api.PasswordResetLink{Valid: false}
					return
				}
				fields, form := fieldErrors(err)
				if p.pw.take(fields) {
					focusFirstIn(ctx, "row-"+firstOf(map[string]string{fieldPassword: p.pw.errFor(fieldPassword),
						fieldPasswordConfirm: p.pw.errFor(fieldPasswordConfirm)}, fieldPassword, fieldPasswordConfirm))
					return
				}
				p.formErr = orDefault(form, userMessage(err))
				focus(ctx, "form-error")
				return
			}
			p.pw.clear()
			p.done = true
			focus(ctx, "reset-done")
		})
	})
}

func (p *resetLinkPage) Render() app.UI {
	var body app.UI
	switch {
	case p.done:
		body = resetDone()
	case p.loadErr != "":
		body = app.P().ID("link-error").Class("notice", "notice-error").Attr("role", "alert").Text(p.loadErr)
	case !p.checked:
		body = app.P().Class("empty-note").Text("正在加载…")
	case !p.link.Valid:
		body = app.Div().Body(
			app.P().ID("link-invalid").Class("notice", "notice-error").Attr("role", "alert").Text(errcode.ResetLinkInvalid.Message()),
			app.Div().Class("form-actions").Body(
				app.A().ID("to-forgot").Class("btn", "btn-primary").Href(pathForgot).Text("重新进行密码重置"),
				app.A().ID("to-login").Class("btn", "btn-outline").Href(pathLogin).Text("返回登录"),
			),
		)
	default:
		body = app.Form().ID("reset-link-form").Class("form", "form-grid").NoValidate(true).OnSubmit(p.submit).Body(
			app.If(p.link.Name != "", func() app.UI { return shownRow("reset-name", "姓名", p.link.Name) }),
			p.pw.render("新密码"),
			app.If(p.formErr != "", func() app.UI {
				return app.Div().ID("form-error").Class("notice", "notice-error").Attr("role", "alert").Attr("tabindex", "-1").Text(p.formErr)
			}),
			app.Div().Class("form-actions").Body(
				disabledIf(app.Button().ID("reset-link-confirm").Type("submit").Class("btn", "btn-primary"), p.busy).
					Text(buttonText(p.busy, "确认修改", "正在提交…")),
				app.A().ID("to-login").Class("btn", "btn-outline").Href(pathLogin).Text("返回登录"),
			),
		)
	}
	return frame("reset-link", p.ready,
		app.Section().Class("card", "reset-card").Body(
			app.H1().Text("忘记密码"),
			body,
		),
	)
}
