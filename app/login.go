package app

import (
	"net/url"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"jszg/shared/api"
	"jszg/shared/errcode"
)

// loginPage is 登录 (at / and /login). ?entry=certification|registration names the business
// entry the applicant came from; return_to (where a business system wants the applicant back) is
// passed through to the server, which alone decides whether to honour it.
type loginPage struct {
	app.Compo

	ready      bool
	entry      string
	returnTo   string
	registered bool

	docNumber string
	password  string
	errs      map[string]string
	formErr   string
	busy      bool
	captcha   slideCaptcha
}

func (p *loginPage) OnNav(ctx app.Context) {
	q := ctx.Page().URL().Query()
	p.entry = q.Get("entry")
	if p.entry != api.EntryCertification && p.entry != api.EntryRegistration {
		p.entry = ""
	}
	p.returnTo = q.Get("return_to")
	p.registered = q.Get("registered") == "1"
	p.formErr = ""
	if c := q.Get("moe_error"); c != "" {
		// 教育部账号登录 came back refused; the code is the server's, its message ours.
		p.formErr = errcode.Code(c).Message()
	}
	ctx.Page().SetTitle(loginTitle(p.entry) + " - " + siteName)
}

func (p *loginPage) OnMount(ctx app.Context) {
	p.ready = true
	p.captcha.load(ctx)
	markReady(ctx)
}

// loginTitle is the welcome line's second half.
func loginTitle(entry string) string {
	switch entry {
	case api.EntryCertification:
		return "认定登录入口"
	case api.EntryRegistration:
		return "定期注册登录入口"
	}
	return "账号登录"
}

func (p *loginPage) validateField(field string) {
	if p.errs == nil {
		p.errs = map[string]string{}
	}
	delete(p.errs, field)
	switch field {
	case "doc_number":
		if e := checkSignInDocNumber(p.docNumber); e != nil {
			p.errs[field] = e.Error()
		}
	case "password":
		if p.password == "" {
			p.errs[field] = errcode.PasswordRequired.Message()
		}
	}
}

func (p *loginPage) submit(ctx app.Context, e app.Event) {
	e.PreventDefault()
	if p.busy {
		return
	}
	p.formErr = ""
	p.validateField("doc_number")
	p.validateField("password")
	delete(p.errs, "captcha")
	pass, ok := p.captcha.takePass(ctx)
	if !ok {
		p.errs["captcha"] = errcode.CaptchaRequired.Message()
	}
	if first := p.firstError(); first != "" {
		focusFirstIn(ctx, "row-"+first)
		return
	}
	req := api.SignInRequest{
		DocNumber: normalizeDocNumber(p.docNumber),
		Password:  p.password,
		Captcha:   pass,
		Entry:     p.entry,
		ReturnTo:  p.returnTo,
	}
	p.busy = true
	ctx.Async(func() {
		res, err := signIn(req)
		ctx.Dispatch(func(ctx app.Context) {
			p.busy = false
			if err != nil {
				fields, form := fieldErrors(err)
				p.formErr = form
				for f, m := range fields {
					switch f {
					case "doc_number", "password", "captcha":
						p.errs[f] = m
					default:
						p.formErr = m
					}
				}
				if fields["captcha"] != "" {
					// Shown by the new puzzle instead, which replaces the refused one.
					p.captcha.message = fields["captcha"]
					delete(p.errs, "captcha")
				}
				p.captcha.load(ctx)
				if first := p.firstError(); first != "" {
					focusFirstIn(ctx, "row-"+first)
				} else if p.formErr != "" {
					focus(ctx, "doc_number")
				}
				return
			}
			p.password = ""
			goTo(ctx, res.Redirect, pathProfile)
		})
	})
}

// firstError is the first field with a message, in the order of the form.
func (p *loginPage) firstError() string {
	for _, f := range []string{"doc_number", "password", "captcha"} {
		if p.errs[f] != "" {
			return f
		}
	}
	return ""
}

// goTo follows a redirect the server chose: the app's own pages load in place, anything else
// (a business system) is a full navigation in the same tab.
func goTo(ctx app.Context, target, fallback string) {
	u, err := url.Parse(target)
	// The server checked the target already; the client still never follows one it cannot parse
	// or that a browser would read differently (a space, a control character, a backslash).
	if target == "" || err != nil || strings.ContainsFunc(target, func(r rune) bool { return r <= ' ' || r == 0x7f || r == '\\' }) ||
		(u.Scheme == "" && (!strings.HasPrefix(target, "/") || strings.HasPrefix(target, "//"))) ||
		(u.Scheme != "" && u.Scheme != "https" && u.Scheme != "http") {
		target = fallback
		u, _ = url.Parse(target)
	}
	if u != nil && (u.Host == "" || u.Host == app.Window().URL().Host) && isPage(u.Path) {
		ctx.Navigate(target)
		return
	}
	app.Window().Get("location").Set("href", target)
}

func (p *loginPage) Render() app.UI {
	docErr, pwErr := p.errs["doc_number"], p.errs["password"]
	registerHref := pathRegister
	if q := p.carryQuery(); q != "" {
		registerHref += "?" + q
	}
	return frame("login", p.ready,
		app.Div().Class("login-layout").Body(
			app.Section().Class("card", "login-card").Body(
				app.H1().Class("login-welcome").Body(
					app.Span().Text("欢迎使用"+siteName),
					app.Span().Class("login-entry").Text(loginTitle(p.entry)),
				),
				app.If(p.registered, func() app.UI {
					return app.Div().ID("registered-notice").Class("notice", "notice-ok").Attr("role", "status").
						Text("注册成功，请登录。")
				}),
				app.Form().ID("login-form").Class("form", "form-stacked").NoValidate(true).OnSubmit(p.submit).Body(
					app.Div().ID("row-doc_number").Class("field").DataSet("field", "doc_number").Body(
						app.Label().Class("field-label").For("doc_number").Text("身份证件号码"),
						app.Input().ID("doc_number").Name("doc_number").Type("text").Class("input", invalidClass(docErr)).
							Placeholder("请填写有效身份证件号码").
							Attr("autocomplete", "username").Attr("autocapitalize", "characters").
							Attr("spellcheck", "false").MaxLength(24).
							Attr("aria-invalid", docErr != "").
							Attr("aria-describedby", describedBy("doc_number", docErr)).
							Value(p.docNumber).
							OnInput(func(ctx app.Context, e app.Event) {
								p.docNumber = ctx.JSSrc().Get("value").String()
								if p.errs["doc_number"] != "" {
									p.validateField("doc_number")
								}
							}).
							OnBlur(func(ctx app.Context, e app.Event) {
								if strings.TrimSpace(p.docNumber) != "" {
									p.validateField("doc_number")
								}
							}),
						fieldError("doc_number", docErr),
					),
					app.Div().ID("row-password").Class("field").DataSet("field", "password").Body(
						app.Label().Class("field-label").For("password").Text("密码"),
						app.Input().ID("password").Name("password").Type("password").Class("input", invalidClass(pwErr)).
							Placeholder("请输入密码").Attr("autocomplete", "current-password").
							Attr("aria-invalid", pwErr != "").
							Attr("aria-describedby", describedBy("password", pwErr)).
							Value(p.password).
							OnInput(func(ctx app.Context, e app.Event) {
								p.password = ctx.JSSrc().Get("value").String()
								if p.errs["password"] != "" {
									p.validateField("password")
								}
							}),
						fieldError("password", pwErr),
					),
					app.FieldSet().ID("row-captcha").Class("field", "field-group").DataSet("field", "captcha").Body(
						app.Legend().Class("field-label").Text("图形验证码"),
						p.captcha.render(p.errs["captcha"]),
					),
					app.Div().Class("login-links").Body(
						app.A().ID("to-portal").Href(portalURL).Text("返回主页"),
						app.A().ID("to-forgot").Href(pathForgot).Text("忘记密码"),
					),
					app.If(p.formErr != "", func() app.UI {
						return app.Div().ID("form-error").Class("notice", "notice-error").Attr("role", "alert").Text(p.formErr)
					}),
					disabledIf(app.Button().ID("login-submit").Type("submit").Class("btn", "btn-primary", "btn-block"), p.busy).
						Text(buttonText(p.busy, "登录", "正在登录…")),
				),
				app.P().Class("login-register").Body(
					app.Text("还没有账号吗？"),
					app.A().ID("to-register").Href(registerHref).Text("注册"),
					app.Span().Class("sep").Text("|"),
					app.A().ID("to-moe").Href(p.moeHref()).Text("教育部账号登录").OnClick(p.moe),
				),
			),
			app.Aside().Class("login-side").Attr("aria-label", "使用说明").Body(
				app.Section().Class("card", "follow-card").Attr("aria-labelledby", "follow-title").Body(
					app.H2().ID("follow-title").Text(siteName+"公众号"),
					app.Div().Class("follow-codes").Body(
						followCode("follow-subscription", "/api/follow/subscription.png", "订阅号"),
						followCode("follow-service", "/api/follow/service.png", "服务号"),
					),
					app.P().Text("关注服务号后，可在“个人信息中心”绑定帐号，通过服务号获取验证码、接收审核结果通知、重置密码。"),
				),
				app.Ul().Class("notes").Body(
					app.Li().Text("首次使用者请先注册，注册成功后再登录系统办理相关业务。"),
					app.Li().Text("如您已有教育部统一身份认证平台账号，请通过上方链接，在“教育部账号登录”页面进行登录，而后将自动跳转回本网站。"),
					app.Li().Text("建议使用谷歌浏览器。"),
					app.Li().Text("认定及定期注册登录入口所办理的业务不同，但所注册的账号通用。"),
				),
			),
		),
	)
}

// followCode is one of the 公众号 QR codes, with its name under it.
func followCode(id, src, label string) app.UI {
	return app.Figure().ID(id).Class("follow-code").Body(
		app.Img().Src(src).Alt(siteName+label+"二维码").Width(120).Height(120).Draggable(false),
		app.FigCaption().Text(label),
	)
}

// moeHref starts 教育部账号登录, carrying where a business system wants the applicant back.
func (p *loginPage) moeHref() string {
	if p.returnTo == "" {
		return pathMoEStart
	}
	return pathMoEStart + "?" + url.Values{"return_to": {p.returnTo}}.Encode()
}

// moe leaves for the platform in a full navigation: the client router would take the API path
// for a page of its own.
func (p *loginPage) moe(ctx app.Context, e app.Event) {
	e.PreventDefault()
	e.Call("stopPropagation")
	app.Window().Get("location").Set("href", p.moeHref())
}

// carryQuery keeps the entry and return_to of the login page on the way to 注册 and back.
func (p *loginPage) carryQuery() string {
	q := url.Values{}
	if p.entry != "" {
		q.Set("entry", p.entry)
	}
	if p.returnTo != "" {
		q.Set("return_to", p.returnTo)
	}
	return q.Encode()
}

func buttonText(busy bool, idle, working string) string {
	if busy {
		return working
	}
	return idle
}
