package app

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"jszg/shared/api"
	"jszg/shared/errcode"
	"jszg/shared/photo"
)

const pathAdmin = "/admin"

// adminPage is the reviewer console: staff sign-in (password and TOTP code), the queue by due
// date, one case with its three photos side by side (zoom, rotate) and the submitted identity
// beside the account's, the decision; for admins also the figures, staff and the audit log. It
// is desktop first: the queue is a table, the photos sit in a row.
type adminPage struct {
	app.Compo

	// page is the context of the page itself. An event's context ends with its element, and
	// the console replaces whole views (a form gives way to the queue), so answers are handed
	// back through the page's context, which lasts as long as the page.
	page app.Context

	ready   bool
	me      *api.StaffMe
	checked bool
	err     string
	notice  string
	busy    bool

	user, password, code string
	oldPw, newPw         string

	view    string // queue, case, staff, audit
	queue   []api.ReviewCase
	stats   *api.ReviewStats
	cs      *api.ReviewCase
	zoom    map[string]float64
	turn    map[string]int
	tmpl    string
	reason  string
	staff   []api.StaffMember
	newUser string
	newRole string
	created *api.NewStaffResponse
	audit   []api.AuditRecord
}

func (p *adminPage) OnNav(ctx app.Context) { ctx.Page().SetTitle("审核工作台 - " + siteName) }

func (p *adminPage) OnMount(ctx app.Context) {
	p.page = ctx
	p.ready = true
	p.view = "queue"
	p.newRole = "reviewer"
	p.zoom, p.turn = map[string]float64{}, map[string]int{}
	ctx.Async(func() {
		var me api.StaffMe
		err := call("GET", "/api/admin/me", "", nil, &me)
		ctx.Dispatch(func(ctx app.Context) {
			p.checked = true
			if err == nil {
				p.me = &me
				p.loadQueue(ctx)
			}
		})
	})
	markReady(ctx)
}

func (p *adminPage) csrf() string {
	if p.me == nil {
		return ""
	}
	return p.me.CSRFToken
}

// run does one API call off the UI goroutine and shows its failure.
func (p *adminPage) run(_ app.Context, f func() error, then func(ctx app.Context)) {
	ctx := p.page
	p.busy, p.err = true, ""
	ctx.Async(func() {
		err := f()
		ctx.Dispatch(func(ctx app.Context) {
			p.busy = false
			if err != nil {
				if c := errorCode(err); c == errcode.Unauthorized || c == errcode.SessionExpired {
					p.me = nil
				}
				p.err = userMessage(err)
				focus(ctx, "admin-error")
				return
			}
			if then != nil {
				then(ctx)
			}
		})
	})
}

func (p *adminPage) signIn(ctx app.Context, e app.Event) {
	e.PreventDefault()
	var me api.StaffMe
	req := api.StaffSignInRequest{Username: p.user, Password: p.password, Code: p.code}
	p.run(ctx, func() error { return call("POST", "/api/admin/session", "", req, &me) }, func(ctx app.Context) {
		p.me, p.password, p.code = &me, "", ""
		if me.MustChange {
			focus(ctx, "admin-old-password")
			return
		}
		p.loadQueue(ctx)
	})
}

func (p *adminPage) changePassword(ctx app.Context, e app.Event) {
	e.PreventDefault()
	req := api.StaffPasswordChange{OldPassword: p.oldPw, Password: p.newPw}
	p.run(ctx, func() error { return call("POST", "/api/admin/password", p.csrf(), req, nil) }, func(ctx app.Context) {
		p.me.MustChange, p.oldPw, p.newPw = false, "", ""
		p.notice = "密码已修改"
		p.loadQueue(ctx)
	})
}

func (p *adminPage) signOut(ctx app.Context, _ app.Event) {
	p.run(ctx, func() error { return call("DELETE", "/api/admin/session", p.csrf(), nil, nil) }, func(ctx app.Context) {
		p.me, p.cs, p.queue = nil, nil, nil
	})
}

func (p *adminPage) loadQueue(ctx app.Context) {
	var q []api.ReviewCase
	var st api.ReviewStats
	p.run(ctx, func() error {
		if err := call("GET", "/api/admin/reviews", "", nil, &q); err != nil {
			return err
		}
		return call("GET", "/api/admin/stats", "", nil, &st)
	}, func(ctx app.Context) {
		p.queue, p.stats, p.view = q, &st, "queue"
	})
}

func (p *adminPage) open(ctx app.Context, id string, claim bool) {
	var rc api.ReviewCase
	method, path := "GET", "/api/admin/reviews/"+id
	var body any
	if claim {
		method, path, body = "POST", path+"/claim", struct{}{}
	}
	p.run(ctx, func() error { return call(method, path, p.csrf(), body, &rc) }, func(ctx app.Context) {
		p.cs, p.view, p.tmpl, p.reason = &rc, "case", "", ""
		p.zoom, p.turn = map[string]float64{}, map[string]int{}
		focus(ctx, "case-title")
	})
}

func (p *adminPage) decide(ctx app.Context, approve bool) {
	reason := strings.TrimSpace(strings.Trim(p.tmpl+"；"+p.reason, "；"))
	if approve {
		reason = ""
	}
	var rc api.ReviewCase
	id := p.cs.ID
	p.run(ctx, func() error {
		return call("POST", "/api/admin/reviews/"+id+"/decision", p.csrf(), api.ReviewDecision{Approve: approve, Reason: reason}, &rc)
	}, func(ctx app.Context) {
		if approve {
			p.notice = "已通过该申请"
		} else {
			p.notice = "已驳回该申请"
		}
		p.cs = nil
		p.loadQueue(ctx)
		focus(ctx, "admin-notice")
	})
}

func (p *adminPage) loadStaff(ctx app.Context) {
	var list []api.StaffMember
	p.run(ctx, func() error { return call("GET", "/api/admin/staff", "", nil, &list) }, func(ctx app.Context) {
		p.staff, p.view = list, "staff"
	})
}

func (p *adminPage) createStaff(ctx app.Context, e app.Event) {
	e.PreventDefault()
	var res api.NewStaffResponse
	req := api.NewStaffRequest{Username: p.newUser, Role: p.newRole}
	p.run(ctx, func() error { return call("POST", "/api/admin/staff", p.csrf(), req, &res) }, func(ctx app.Context) {
		p.created, p.newUser = &res, ""
		p.loadStaff(ctx)
	})
}

func (p *adminPage) setDisabled(ctx app.Context, id string, disabled bool) {
	p.run(ctx, func() error {
		return call("POST", "/api/admin/staff/"+id+"/disabled", p.csrf(), api.StaffDisable{Disabled: disabled}, nil)
	}, func(ctx app.Context) { p.loadStaff(ctx) })
}

func (p *adminPage) loadAudit(ctx app.Context) {
	var recs []api.AuditRecord
	p.run(ctx, func() error { return call("GET", "/api/admin/audit", "", nil, &recs) }, func(ctx app.Context) {
		p.audit, p.view = recs, "audit"
	})
}

func (p *adminPage) Render() app.UI {
	mustChange := p.me != nil && p.me.MustChange
	return frame("admin", p.ready,
		app.H1().Text("审核工作台"),
		app.If(p.err != "", func() app.UI {
			return app.P().ID("admin-error").Class("notice", "notice-error").Attr("role", "alert").Attr("tabindex", "-1").Text(p.err)
		}),
		app.If(p.notice != "", func() app.UI {
			return app.P().ID("admin-notice").Class("notice", "notice-ok").Attr("role", "status").Attr("tabindex", "-1").Text(p.notice)
		}),
		app.If(!p.checked, func() app.UI { return app.P().Class("empty-note").Text("正在加载…") }).
			ElseIf(p.me == nil, p.renderSignIn).
			ElseIf(mustChange, p.renderPasswordChange).
			Else(p.renderConsole),
	)
}

func (p *adminPage) renderSignIn() app.UI {
	return app.Form().ID("admin-signin").Class("card", "admin-card").OnSubmit(p.signIn).Body(
		app.H2().Text("审核人员登录"),
		fieldRow("admin-user", "用户名", true, "", app.Input().ID("admin-user").Attr("autocomplete", "username").Value(p.user).
			OnInput(func(ctx app.Context, _ app.Event) { p.user = ctx.JSSrc().Get("value").String() })),
		fieldRow("admin-password", "密码", true, "", app.Input().Type("password").ID("admin-password").Attr("autocomplete", "current-password").Value(p.password).
			OnInput(func(ctx app.Context, _ app.Event) { p.password = ctx.JSSrc().Get("value").String() })),
		fieldRow("admin-code", "动态口令", true, "", app.Input().ID("admin-code").Attr("inputmode", "numeric").Attr("autocomplete", "one-time-code").
			Attr("maxlength", 6).Value(p.code).
			OnInput(func(ctx app.Context, _ app.Event) { p.code = ctx.JSSrc().Get("value").String() }),
			app.P().Class("field-tip").Text("身份验证器应用中显示的6位数字")),
		disabledIf(app.Button().ID("admin-signin-submit").Type("submit").Class("btn", "btn-primary"), p.busy).Text(buttonText(p.busy, "登录", "正在登录…")),
	)
}

func (p *adminPage) renderPasswordChange() app.UI {
	return app.Form().ID("admin-password-form").Class("card", "admin-card").OnSubmit(p.changePassword).Body(
		app.H2().Text("请先修改一次性密码"),
		fieldRow("admin-old-password", "一次性密码", true, "", app.Input().Type("password").ID("admin-old-password").Attr("autocomplete", "current-password").
			OnInput(func(ctx app.Context, _ app.Event) { p.oldPw = ctx.JSSrc().Get("value").String() })),
		fieldRow("admin-new-password", "新密码", true, "", app.Input().Type("password").ID("admin-new-password").Attr("autocomplete", "new-password").
			OnInput(func(ctx app.Context, _ app.Event) { p.newPw = ctx.JSSrc().Get("value").String() }),
			app.P().Class("field-tip").Text("至少12位")),
		disabledIf(app.Button().ID("admin-password-submit").Type("submit").Class("btn", "btn-primary"), p.busy).Text("修改密码"),
	)
}

func (p *adminPage) renderConsole() app.UI {
	admin := p.me.Role == "admin"
	return app.Div().Class("admin").Body(
		app.Nav().Class("admin-nav").Attr("aria-label", "审核工作台").Body(
			app.Span().ID("admin-who").Text(p.me.Username+"（"+roleLabel(p.me.Role)+"）"),
			app.Button().ID("nav-queue").Type("button").Class("btn", "btn-small", "btn-outline").Text("待审核队列").
				OnClick(func(ctx app.Context, _ app.Event) { p.notice = ""; p.loadQueue(ctx) }),
			app.If(admin, func() app.UI {
				return app.Div().Class("admin-nav-admin").Body(
					app.Button().ID("nav-staff").Type("button").Class("btn", "btn-small", "btn-outline").Text("审核人员").
						OnClick(func(ctx app.Context, _ app.Event) { p.loadStaff(ctx) }),
					app.Button().ID("nav-audit").Type("button").Class("btn", "btn-small", "btn-outline").Text("审计日志").
						OnClick(func(ctx app.Context, _ app.Event) { p.loadAudit(ctx) }),
				)
			}),
			app.Button().ID("admin-signout").Type("button").Class("btn", "btn-small", "btn-ghost").Text("退出").OnClick(p.signOut),
		),
		app.If(p.view == "case" && p.cs != nil, p.renderCase).
			ElseIf(p.view == "staff", p.renderStaff).
			ElseIf(p.view == "audit", p.renderAudit).
			Else(p.renderQueue),
	)
}

func roleLabel(r string) string {
	if r == "admin" {
		return "管理员"
	}
	return "审核员"
}

func (p *adminPage) renderQueue() app.UI {
	return app.Section().Class("card", "admin-card").Attr("aria-labelledby", "queue-title").Body(
		app.H2().ID("queue-title").Text("待审核队列"),
		app.If(p.stats != nil, func() app.UI {
			return app.P().ID("queue-stats").Class("hint").Text(fmt.Sprintf("待审核 %d 件，已超期 %d 件，近30天审结 %d 件，审结用时中位数 %.1f 小时",
				p.stats.Pending, p.stats.Overdue, p.stats.Decided, p.stats.MedianHours))
		}),
		app.If(p.stats != nil && p.stats.CalendarMissing != 0, func() app.UI {
			return app.P().ID("calendar-missing").Class("notice", "notice-warn").Attr("role", "status").Text(fmt.Sprintf(
				"尚未导入%d年的节假日安排，跨入该年的截止日期按周一至周五暂估。请管理员在国务院办公厅公布安排后导入。", p.stats.CalendarMissing))
		}),
		app.If(len(p.queue) == 0, func() app.UI { return app.P().ID("queue-empty").Class("empty-note").Text("暂无待审核的申请") }).
			Else(func() app.UI {
				return app.Table().ID("queue").Class("admin-table").Body(
					app.Caption().Class("sr-only").Text("按截止日期排列的待审核申请"),
					app.THead().Body(app.Tr().Body(
						app.Th().Scope("col").Text("截止日期"), app.Th().Scope("col").Text("提交时间"),
						app.Th().Scope("col").Text("姓名"), app.Th().Scope("col").Text("证件号码"),
						app.Th().Scope("col").Text("处理人"), app.Th().Scope("col").Text("操作"),
					)),
					app.TBody().Body(app.Range(p.queue).Slice(func(i int) app.UI {
						c := p.queue[i]
						due := dueText(c)
						return app.Tr().ID("case-"+c.ID).Class(map[bool]string{true: "overdue"}[c.Overdue]).Body(
							app.Td().Body(app.Text(due), app.If(c.Overdue, func() app.UI { return app.Span().Class("badge-overdue").Text("已超期") })),
							app.Td().Text(c.SubmittedAt.In(chinaZone).Format("2006-01-02 15:04")),
							app.Td().Text(c.Name), app.Td().Text(c.DocNumber),
							app.Td().Text(orDash(c.ClaimedBy)),
							app.Td().Body(app.Button().ID("claim-"+c.ID).Type("button").Class("btn", "btn-small", "btn-primary").
								Attr("aria-label", "领取 "+c.Name+" 的申请").Text("领取").
								OnClick(func(ctx app.Context, _ app.Event) { p.notice = ""; p.open(ctx, c.ID, true) }, app.EventScope(c.ID))),
						)
					})),
				)
			}),
	)
}

var chinaZone = time.FixedZone("CST", 8*3600)

func (p *adminPage) renderCase() app.UI {
	c := p.cs
	acc := c.Account
	if acc == nil {
		acc = &api.ReviewAccount{}
	}
	rows := []struct{ label, sub, now string }{
		{"证件类型", docTypeLabel(c.DocType), docTypeLabel(acc.DocType)},
		{"证件号码", c.DocNumber, acc.DocNumber},
		{"姓名", c.Name, acc.Name},
		{"有效时段", termLabel(c.ValidityTerm), termLabel(acc.ValidityTerm)},
		{"有效开始日期", c.ValidFrom, acc.ValidFrom},
		{"有效截止日期", orDefault(c.ValidUntil, "长期"), orDefault(acc.ValidUntil, "长期")},
	}
	return app.Section().Class("card", "admin-card").Attr("aria-labelledby", "case-title").Body(
		app.H2().ID("case-title").Attr("tabindex", "-1").Text("审核申请："+c.Name),
		app.P().Class("hint").Text("截止日期："+dueText(*c)+"　处理人："+orDash(c.ClaimedBy)),
		app.Div().Class("case-photos").Body(app.Range(photo.Kinds).Slice(func(i int) app.UI { return p.renderCasePhoto(photo.Kinds[i]) })),
		app.Table().ID("case-fields").Class("admin-table").Body(
			app.Caption().Text("提交的信息与账号信息对照"),
			app.THead().Body(app.Tr().Body(app.Th().Scope("col").Text("项目"), app.Th().Scope("col").Text("提交的信息"), app.Th().Scope("col").Text("账号信息"))),
			app.TBody().Body(app.Range(rows).Slice(func(i int) app.UI {
				r := rows[i]
				return app.Tr().Class(map[bool]string{true: "differs"}[r.sub != r.now]).Body(
					app.Th().Scope("row").Text(r.label), app.Td().Text(r.sub), app.Td().Text(r.now))
			})),
		),
		app.P().ID("case-reason").Text("申请的缘由："+c.Reason),
		app.Div().Class("decision").Body(
			app.Label().For("reject-template").Text("不通过的原因："),
			app.Select().ID("reject-template").OnChange(func(ctx app.Context, _ app.Event) { p.tmpl = ctx.JSSrc().Get("value").String() }).Body(
				app.Option().Value("").Text("请选择常用原因（可再补充说明）"),
				app.Range(api.RejectTemplates).Slice(func(i int) app.UI {
					return app.Option().Value(api.RejectTemplates[i]).Text(api.RejectTemplates[i])
				}),
			),
			app.Label().For("reject-text").Text("补充说明："),
			app.Textarea().ID("reject-text").Attr("rows", 2).Attr("maxlength", 150).
				OnInput(func(ctx app.Context, _ app.Event) { p.reason = ctx.JSSrc().Get("value").String() }),
			app.Div().Class("actions").Body(
				disabledIf(app.Button().ID("approve").Type("button").Class("btn", "btn-primary"), p.busy).Text("审核通过").
					OnClick(func(ctx app.Context, _ app.Event) { p.decide(ctx, true) }),
				disabledIf(app.Button().ID("reject").Type("button").Class("btn", "btn-danger"), p.busy).Text("审核不通过").
					OnClick(func(ctx app.Context, _ app.Event) { p.decide(ctx, false) }),
			),
		),
	)
}

func (p *adminPage) renderCasePhoto(kind string) app.UI {
	z, t := p.zoom[kind], p.turn[kind]
	if z == 0 {
		z = 1
	}
	label := photoLabels[kind]
	set := func(dz float64, dt int) app.EventHandler {
		return func(ctx app.Context, _ app.Event) {
			nz := z + dz
			p.zoom[kind] = min(max(nz, 0.5), 3)
			p.turn[kind] = (t + dt + 360) % 360
		}
	}
	return app.Figure().Class("case-photo").Body(
		app.Div().Class("case-photo-frame").Body(
			app.Img().ID("photo-"+kind).Src("/api/admin/reviews/"+p.cs.ID+"/photos/"+kind).Alt(label).
				Style("transform", "scale("+strconv.FormatFloat(z, 'f', 2, 64)+") rotate("+strconv.Itoa(t)+"deg)"),
		),
		app.FigCaption().Text(label),
		app.Div().Class("photo-tools").Attr("role", "group").Attr("aria-label", label+"查看工具").Body(
			app.Button().Type("button").Class("btn", "btn-small", "btn-outline").Attr("aria-label", label+"放大").Text("放大").OnClick(set(0.25, 0), app.EventScope(kind)),
			app.Button().Type("button").Class("btn", "btn-small", "btn-outline").Attr("aria-label", label+"缩小").Text("缩小").OnClick(set(-0.25, 0), app.EventScope(kind)),
			app.Button().Type("button").Class("btn", "btn-small", "btn-outline").Attr("aria-label", label+"向左旋转").Text("向左旋转").OnClick(set(0, -90), app.EventScope(kind)),
			app.Button().Type("button").Class("btn", "btn-small", "btn-outline").Attr("aria-label", label+"向右旋转").Text("向右旋转").OnClick(set(0, 90), app.EventScope(kind)),
		),
	)
}

func (p *adminPage) renderStaff() app.UI {
	return app.Section().Class("card", "admin-card").Attr("aria-labelledby", "staff-title").Body(
		app.H2().ID("staff-title").Text("审核人员"),
		app.If(p.created != nil, func() app.UI {
			return app.Div().ID("staff-created").Class("notice", "notice-info").Attr("role", "status").Body(
				app.P().Text("已创建 "+p.created.Member.Username+"。一次性密码（仅显示这一次）："+p.created.Password),
				app.P().Text("身份验证器密钥："+p.created.TOTPURI),
			)
		}),
		app.Table().Class("admin-table").Body(
			app.Caption().Class("sr-only").Text("审核人员列表"),
			app.THead().Body(app.Tr().Body(app.Th().Scope("col").Text("用户名"), app.Th().Scope("col").Text("角色"),
				app.Th().Scope("col").Text("状态"), app.Th().Scope("col").Text("操作"))),
			app.TBody().Body(app.Range(p.staff).Slice(func(i int) app.UI {
				m := p.staff[i]
				action := map[bool]string{true: "启用", false: "停用"}[m.Disabled]
				return app.Tr().Body(app.Td().Text(m.Username), app.Td().Text(roleLabel(m.Role)),
					app.Td().Text(map[bool]string{true: "已停用", false: "正常"}[m.Disabled]),
					app.Td().Body(app.If(m.Username != p.me.Username, func() app.UI {
						return app.Button().ID("toggle-"+m.Username).Type("button").Class("btn", "btn-small", "btn-outline").
							Attr("aria-label", action+" "+m.Username).Text(action).
							OnClick(func(ctx app.Context, _ app.Event) { p.setDisabled(ctx, m.ID, !m.Disabled) }, app.EventScope(m.ID))
					})))
			})),
		),
		app.Form().ID("staff-form").OnSubmit(p.createStaff).Body(
			fieldRow("new-staff-user", "用户名", true, "", app.Input().ID("new-staff-user").Value(p.newUser).
				OnInput(func(ctx app.Context, _ app.Event) { p.newUser = ctx.JSSrc().Get("value").String() })),
			fieldRow("new-staff-role", "角色", true, "", app.Select().ID("new-staff-role").
				OnChange(func(ctx app.Context, _ app.Event) { p.newRole = ctx.JSSrc().Get("value").String() }).Body(
				app.Option().Value("reviewer").Text("审核员"), app.Option().Value("admin").Text("管理员"))),
			app.Button().ID("new-staff-submit").Type("submit").Class("btn", "btn-primary").Text("创建"),
		),
	)
}

func (p *adminPage) renderAudit() app.UI {
	return app.Section().Class("card", "admin-card").Attr("aria-labelledby", "audit-title").Body(
		app.H2().ID("audit-title").Text("审计日志"),
		app.Table().ID("audit").Class("admin-table").Body(
			app.Caption().Class("sr-only").Text("最新的审计记录"),
			app.THead().Body(app.Tr().Body(app.Th().Scope("col").Text("时间"), app.Th().Scope("col").Text("事件"),
				app.Th().Scope("col").Text("操作人"), app.Th().Scope("col").Text("对象"), app.Th().Scope("col").Text("详情"))),
			app.TBody().Body(app.Range(p.audit).Slice(func(i int) app.UI {
				r := p.audit[i]
				var d []string
				for k, v := range r.Detail {
					d = append(d, k+"="+v)
				}
				return app.Tr().Body(app.Td().Text(r.At.In(chinaZone).Format("2006-01-02 15:04:05")), app.Td().Text(r.Event),
					app.Td().Text(orDash(r.Actor)), app.Td().Text(orDash(r.Subject)), app.Td().Text(strings.Join(d, "，")))
			})),
		),
	)
}

// dueText is a case's due date: the last working day it may take, marked 暂估 while that year's
// holidays are not published (the date is counted again when they are).
func dueText(c api.ReviewCase) string {
	due := c.DueAt.In(chinaZone).Add(-time.Second).Format("2006-01-02")
	if c.DueProvisional {
		due += "（暂估）"
	}
	return due
}
