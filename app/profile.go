package app

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"jszg/shared/api"
	"jszg/shared/errcode"
)

// Tabs of 个人信息中心. Only the identity tab has content yet; the record tabs show their empty
// state until the services behind them exist.
var profileTabs = []struct{ id, label string }{
	{"identity", "个人身份信息"},
	{"exam", "教师资格考试信息"},
	{"mandarin", "普通话证书信息"},
	{"education", "学历学籍信息"},
	{"degree", "学位证书信息"},
	{"certificate", "教师资格证书信息"},
}

// profilePage is 个人信息中心: the signed-in applicant's identity, masked as the API returns it,
// and the binding of the account to the WeChat service account. Without a session it sends the
// visitor to 登录.
type profilePage struct {
	app.Compo

	ctx        app.Context
	ready      bool
	me         *api.Me
	loadErr    string
	tab        string
	signingOut bool
	actionErr  string
	wx         wechatBinding
	gate       string // the business gate's refusal, shown in a dialog
	forms      profileForms
}

func (p *profilePage) OnNav(ctx app.Context) {
	ctx.Page().SetTitle("个人信息中心 - " + siteName)
	p.takeOAuthOutcome(ctx)
}

func (p *profilePage) OnMount(ctx app.Context) {
	p.ctx = ctx
	p.ready = true
	p.tab = profileTabs[0].id
	p.load(ctx)
	p.mountWeChat(ctx)
	markReady(ctx)
}

// OnDismount stops watching a bind QR code nobody is looking at any more.
func (p *profilePage) OnDismount() { p.wx.scan.stop() }

func (p *profilePage) load(ctx app.Context) {
	p.loadErr = ""
	ctx.Async(func() {
		me, err := fetchMe()
		ctx.Dispatch(func(ctx app.Context) {
			if err != nil {
				if c := errorCode(err); c == errcode.Unauthorized || c == errcode.SessionExpired {
					ctx.Navigate(pathLogin)
					return
				}
				p.loadErr = userMessage(err)
				return
			}
			p.me = me
			p.enterBusiness(ctx)
		})
	})
}

func (p *profilePage) logout(ctx app.Context, _ app.Event) {
	if p.signingOut || p.me == nil {
		return
	}
	p.signingOut = true
	p.actionErr = ""
	csrf := p.me.CSRFToken
	ctx.Async(func() {
		err := signOut(csrf)
		ctx.Dispatch(func(ctx app.Context) {
			p.signingOut = false
			// An expired session is as good as signed out.
			if err != nil && errorCode(err) != errcode.Unauthorized && errorCode(err) != errcode.SessionExpired {
				p.actionErr = userMessage(err)
				return
			}
			p.me = nil
			ctx.Navigate(pathLogin)
		})
	})
}

func (p *profilePage) Render() app.UI {
	return frame("profile", p.ready,
		app.Div().Class("profile-head").Body(
			app.H1().Text("个人信息中心"),
			app.If(p.me != nil, func() app.UI {
				return app.Div().Class("profile-user").Body(
					app.Span().ID("profile-name").Class("profile-name").Text("您好，"+orDefault(p.me.FullName, p.me.Name)),
					disabledIf(app.Button().ID("logout").Type("button").Class("btn", "btn-small", "btn-outline"), p.signingOut).
						Text(buttonText(p.signingOut, "退出登录", "正在退出…")).
						OnClick(p.logout),
				)
			}),
		),
		app.If(p.actionErr != "", func() app.UI {
			return app.Div().Class("notice", "notice-error").Attr("role", "alert").Text(p.actionErr)
		}),
		p.renderWeChatNotice(),
		app.Div().Class("tabs").Attr("role", "tablist").Attr("aria-label", "个人信息中心").Body(
			app.Range(profileTabs).Slice(func(i int) app.UI {
				t := profileTabs[i]
				selected := p.selectedTab() == t.id
				return app.Button().Type("button").ID("tab-"+t.id).Class("tab", activeClass(selected)).
					Attr("role", "tab").Attr("aria-selected", selected).
					Attr("aria-controls", "tab-panel").
					// One stop for the strip: Tab reaches the chosen tab, arrows the others.
					Attr("tabindex", map[bool]int{true: 0, false: -1}[selected]).
					Text(t.label).
					OnClick(func(ctx app.Context, _ app.Event) { p.tab = t.id }, app.EventScope(t.id)).
					OnKeyDown(p.onTabKey, app.EventScope(t.id))
			}),
		),
		app.Section().ID("tab-panel").Class("card", "profile-card").Attr("role", "tabpanel").
			Attr("aria-labelledby", "tab-"+p.selectedTab()).Attr("tabindex", 0).Body(
			app.If(p.selectedTab() == "identity", p.renderIdentity).
				Else(func() app.UI {
					return app.Div().Class("empty").Body(
						app.P().Class("empty-title").Text("暂无记录"),
						app.P().Class("empty-note").Text("相关信息将在业务系统产生记录后显示在这里。"),
					)
				}),
		),
		p.renderUnbindDialog(),
		p.renderGateDialog(),
	)
}

// selectedTab is the tab shown: the identity until another is chosen.
func (p *profilePage) selectedTab() string {
	if p.tab == "" {
		return profileTabs[0].id
	}
	return p.tab
}

// onTabKey moves between the tabs with the arrow keys, Home and End, as the tabs pattern of
// WAI-ARIA does: the tab reached is shown and focused.
func (p *profilePage) onTabKey(ctx app.Context, e app.Event) {
	cur := 0
	for i, t := range profileTabs {
		if t.id == p.selectedTab() {
			cur = i
		}
	}
	next, n := cur, len(profileTabs)
	switch e.Get("key").String() {
	case "ArrowRight", "ArrowDown":
		next = (cur + 1) % n
	case "ArrowLeft", "ArrowUp":
		next = (cur + n - 1) % n
	case "Home":
		next = 0
	case "End":
		next = n - 1
	default:
		ctx.PreventUpdate()
		return
	}
	e.PreventDefault()
	p.tab = profileTabs[next].id
	focus(ctx, "tab-"+p.tab)
}

func (p *profilePage) renderIdentity() app.UI {
	switch {
	case p.loadErr != "":
		return app.Div().Class("empty").Body(
			app.P().ID("profile-error").Class("field-error").Attr("role", "alert").Text(p.loadErr),
			app.Button().Type("button").Class("btn", "btn-outline").Text("重试").
				OnClick(func(ctx app.Context, _ app.Event) { p.load(ctx) }),
		)
	case p.me == nil:
		return app.Div().Class("empty").Body(app.P().Class("empty-note").Text("正在加载…"))
	}
	me := p.me
	hint, good := realNameHint(me.RealNameState)
	until := me.ValidUntil
	if until == "" && me.ValidityTerm == api.TermLongTerm {
		until = "长期"
	}
	rows := []struct{ label, value, id string }{
		{"身份证件类型", docTypeLabel(me.DocType), "me-doc-type"},
	}
	if me.DocType == api.DocResidencePermit {
		rows = append(rows, struct{ label, value, id string }{"地区", regionLabel(me.Region), "me-region"})
	}
	rows = append(rows, []struct{ label, value, id string }{
		{"身份证件号码", me.DocNumber, "me-doc-number"},
		{"姓名", me.Name, "me-name"},
		{"性别", me.Sex, "me-sex"},
		{"出生日期", me.BirthDate, "me-birth-date"},
		{"民族", orDash(me.Ethnicity), "me-ethnicity"},
		{"身份证件有效时间段", termLabel(me.ValidityTerm), "me-term"},
		{"身份证件有效开始日期", me.ValidFrom, "me-valid-from"},
		{"身份证件有效截止日期", until, "me-valid-until"},
		{"安全邮箱", me.Email, "me-email"},
		{"手机号码", me.Phone, "me-phone"},
	}...)
	if me.DocType == api.DocResidencePermit {
		rows = append(rows, struct{ label, value, id string }{"通行证号码", orDash(me.PermitNumber), "me-permit"})
	}

	return app.Div().Class("identity").Body(
		app.Div().Class("actions").Attr("role", "group").Attr("aria-label", "账号操作").Body(
			p.actionButton(actionIdentity, "修改个人身份信息"),
			app.A().ID("goto-realname").Class("btn", "btn-ghost").Href(pathRealName).Text("实名核验"),
			p.actionButton(actionPassword, "修改密码"),
			p.actionButton(actionPhone, "修改手机号码"),
		),
		app.P().ID("real-name-hint").Class("hint", goodClass(good)).Text(hint),
		app.If(p.forms.action != "", p.renderAction).Else(func() app.UI { return p.renderFacts(rows) }),
	)
}

// actionButton opens the form of action; pressed while it is open.
func (p *profilePage) actionButton(action, label string) app.UI {
	return app.Button().ID("action-"+action).Type("button").Class("btn", "btn-ghost").
		Attr("aria-pressed", p.forms.action == action).Text(label).
		OnClick(func(ctx app.Context, _ app.Event) { p.openAction(ctx, action) }, app.EventScope(action))
}

// renderFacts is the identity as it is, a change waiting for 实名核验, and the WeChat block.
func (p *profilePage) renderFacts(rows []struct{ label, value, id string }) app.UI {
	return app.Div().Body(
		app.If(p.forms.notice != "", func() app.UI {
			return app.P().ID("action-notice").Class("notice", "notice-ok").Attr("role", "status").Attr("tabindex", "-1").Text(p.forms.notice)
		}),
		app.If(p.me.Staged != nil, func() app.UI { return renderStaged(p.me.Staged) }),
		app.Div().Class("identity-body").Body(
			app.Dl().Class("facts").Body(
				app.Range(rows).Slice(func(i int) app.UI {
					r := rows[i]
					return app.Div().Class("fact").Body(
						app.Dt().Text(r.label+"："),
						app.Dd().ID(r.id).Text(orDash(r.value)),
					)
				}),
			),
			p.renderWeChat(),
		),
		app.P().Class("note").Text(msgStagedTip),
	)
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func activeClass(on bool) string {
	if on {
		return "active"
	}
	return ""
}

func goodClass(on bool) string {
	if on {
		return "hint-good"
	}
	return "hint-warn"
}
