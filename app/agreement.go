package app

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

const agreementTitle = "中国教师资格网注册协议"

// agreementText is 《中国教师资格网注册协议》, shown on its own page and in a dialog on 注册 (so
// reading it does not lose what the applicant has typed).
func agreementText() app.UI {
	sections := []struct {
		title string
		paras []string
	}{
		{"一、总则", []string{
			"中国教师资格网（以下简称“本网站”）为教师资格认定、定期注册等业务的申请人提供统一身份认证服务。申请人注册账号前，应当仔细阅读本协议。勾选“我已阅读并同意《中国教师资格网注册协议》”并提交注册，即表示您同意本协议的全部内容。",
		}},
		{"二、账号注册", []string{
			"1. 申请人应当使用本人有效身份证件注册，如实填写身份证件号码、姓名、有效期限、安全邮箱和手机号码等信息，并保证信息真实、准确、完整。",
			"2. 每个身份证件号码只能注册一个账号。认定及定期注册登录入口所办理的业务不同，但所注册的账号通用。",
			"3. 办理教师资格认定和定期注册业务前，须完成实名核验。",
		}},
		{"三、账号安全", []string{
			"1. 账号和密码由申请人本人妥善保管，不得转让、出借或与他人共用。因申请人保管不善造成的损失，由申请人自行承担。",
			"2. 发现账号被他人使用或存在安全风险的，请及时修改密码，或通过“忘记密码”重置密码。",
		}},
		{"四、个人信息保护", []string{
			"本网站依照《中华人民共和国个人信息保护法》等法律法规收集和使用申请人的个人信息，仅用于身份认证及教师资格相关业务办理，采取加密存储、脱敏显示等措施保护个人信息安全，未经申请人同意不向无关第三方提供，法律法规另有规定的除外。",
		}},
		{"五、申请人义务", []string{
			"申请人不得利用本网站从事违法活动，不得提交虚假材料，不得以任何方式干扰本网站的正常运行。违反上述规定的，本网站有权暂停或终止其账号的使用，并依法追究相应责任。",
		}},
		{"六、其他", []string{
			"本协议的解释、修改和更新由中国教师资格网负责。协议更新后，继续使用本网站服务即视为同意更新后的协议。",
		}},
	}
	return app.Article().Class("agreement").Body(
		app.H2().ID("agreement-title").Class("agreement-title").Text(agreementTitle),
		app.Range(sections).Slice(func(i int) app.UI {
			s := sections[i]
			return app.Section().Body(
				app.H3().Text(s.title),
				app.Range(s.paras).Slice(func(j int) app.UI { return app.P().Text(s.paras[j]) }),
			)
		}),
	)
}

// agreementPage shows the agreement at /agreement, for links from outside the form.
type agreementPage struct {
	app.Compo
	ready bool
}

func (p *agreementPage) OnNav(ctx app.Context) {
	ctx.Page().SetTitle(agreementTitle + " - " + siteName)
}

func (p *agreementPage) OnMount(ctx app.Context) {
	p.ready = true
	markReady(ctx)
}

func (p *agreementPage) Render() app.UI {
	return frame("agreement", p.ready,
		app.Section().Class("card", "narrow").Body(
			agreementText(),
			app.Div().Class("form-actions").Body(
				app.A().Class("btn", "btn-primary").Href(pathRegister).Text("返回注册"),
			),
		),
	)
}

// notFoundPage answers paths the app does not know.
type notFoundPage struct {
	app.Compo
	ready bool
}

func (p *notFoundPage) OnNav(ctx app.Context) {
	ctx.Page().SetTitle("页面不存在 - " + siteName)
}

func (p *notFoundPage) OnMount(ctx app.Context) {
	p.ready = true
	markReady(ctx)
}

func (p *notFoundPage) Render() app.UI {
	return frame("notfound", p.ready,
		app.Section().Class("card", "narrow", "empty").Body(
			app.H1().Text("页面不存在"),
			app.P().Class("empty-note").Text("您访问的页面不存在或已被移除。"),
			app.A().Class("btn", "btn-primary").Href(pathLogin).Text("返回登录"),
		),
	)
}
