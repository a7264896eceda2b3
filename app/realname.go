package app

import (
	"strconv"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"jszg/shared/api"
	"jszg/shared/errcode"
)

// Wording of 实名核验, from the seed.
const (
	msgRealNameOK      = "提示：实名核验成功。"
	msgRealNamePending = "待人工审核期间，您不能进行实名核验。"
)

// realNameSteps is the page's 操作说明.
var realNameSteps = []string{
	"1、不做实名核验，也可登录系统，但是在办理教师资格认定和定期注册业务之前必须做实名核验。",
	"2、每日您可进行三次实名核验，如核验不通过，勿直接重复提交，请仔细核对您所填写的内容。",
	"3、如您确认信息无误，仍不通过实名核验，可能是您的身份信息近期发生过变化，公安系统未及时更新导致的。您可以通过开通网证更新您的信息，或申请人工审核。",
	"4、每年1月1日到8月31日、9月1日到12月31日期间，您各可以申请三次人工审核，且待审核期间无法修改信息，故提交前请仔细核对。",
	"5、待人工审核期间，您不能进行实名核验。",
}

// failureGuidance is the seed's page after a failed verification, items 一 to 六.
var failureGuidance = []string{
	"一. 您的实名核验失败。返回实名核验页面后勿直接重复提交，请仔细核对您所填写的内容。每日您可进行三次实名核验，不做实名核验，也可登录系统，但是在办理教师资格认定和定期注册业务之前必须做实名核验。",
	"二. 如您确认信息无误，仍不能通过实名核验，可能是您的身份信息近期发生过变化，公安系统未及时更新导致的。您可以通过开通网证更新您的信息，而后再登录本系统进行实名核验即可。网证办理流程如下文所述，CTID官方应用及国家政务服务平台应用两种途径均可选用。如您所使用的证件类型不为居民身份证，请参考下方说明五。",
	"三. 通过CTID官方应用办理网证：通过应用市场搜索“CTID”，下载“CTID”APP。CTID官方APP是“网证”手机开通的唯一官方渠道，可在华为、360和应用宝应用市场及iOS App Store下载。",
	"四. 通过国家政务服务平台应用办理网证：网证办理具体业务流程与上一方法完全相同。",
	"五. 如CTID网证办理失败，或您所使用的证件类型不为居民身份证，则您需点击本页面下方的“申请人工审核”链接进入人工审核页面，上传身份证照片等材料并提交，等待审核通过后再进行后续业务。",
	"六. 人工审核说明：人工审核周期较长，仅能保证7个工作日之内给出结论，请对您的业务办理时间进行妥善规划。待人工审核期间，您不可修改所提交信息，也不可进行实名核验。每年1月1日到8月31日、9月1日到12月31日期间，您各可以申请三次人工审核，请仔细核对。请您提供清晰身份证A面、B面及本人手持身份证照片，以便人工审核顺利通过（图片大小小于190KB，格式为JPG），如果核验不通过请检查当前核验的信息是否与登录信息中的“姓名、身份证件号码”一致。",
}

// realNamePage is 实名核验: the identity to be checked, the confirm dialog that repeats the name
// and the attempts left, and the outcome: success, or the guidance page after a failure.
type realNamePage struct {
	app.Compo

	ready   bool
	status  *api.RealNameStatus
	csrf    string
	loadErr string
	confirm bool
	busy    bool
	failed  bool
	done    bool
	err     string
	errCode errcode.Code
}

func (p *realNamePage) OnNav(ctx app.Context) { ctx.Page().SetTitle("实名核验 - " + siteName) }

func (p *realNamePage) OnMount(ctx app.Context) {
	p.ready = true
	p.load(ctx)
	markReady(ctx)
}

func (p *realNamePage) load(ctx app.Context) {
	ctx.Async(func() {
		me, err := fetchMe()
		var st api.RealNameStatus
		if err == nil {
			err = call("GET", "/api/me/realname", "", nil, &st)
		}
		ctx.Dispatch(func(ctx app.Context) {
			if err != nil {
				if c := errorCode(err); c == errcode.Unauthorized || c == errcode.SessionExpired {
					ctx.Navigate(pathLogin + "?return_to=" + pathRealName)
					return
				}
				p.loadErr = userMessage(err)
				return
			}
			p.csrf, p.status = me.CSRFToken, &st
		})
	})
}

func (p *realNamePage) submit(ctx app.Context, _ app.Event) {
	if p.busy {
		return
	}
	p.busy = true
	ctx.Async(func() {
		var res api.RealNameResult
		err := call("POST", "/api/me/realname", p.csrf, struct{}{}, &res)
		ctx.Dispatch(func(ctx app.Context) {
			p.busy, p.confirm = false, false
			if err != nil {
				p.err, p.errCode = userMessage(err), errorCode(err)
				focus(ctx, "realname-message")
				return
			}
			p.status.Remaining = res.Remaining
			if res.Verified {
				p.done, p.status.State = true, realNameVerified
				focus(ctx, "realname-message")
				return
			}
			p.failed = true
			focus(ctx, "guidance-title")
		})
	})
}

func (p *realNamePage) Render() app.UI {
	return frame("realname", p.ready,
		app.H1().Text("实名核验"),
		app.If(p.loadErr != "", func() app.UI {
			return app.P().ID("realname-error").Class("notice", "notice-error").Attr("role", "alert").Text(p.loadErr)
		}),
		app.If(p.status == nil && p.loadErr == "", func() app.UI {
			return app.P().Class("empty-note").Text("正在加载…")
		}),
		app.If(p.status != nil && p.failed, p.renderGuidance).
			ElseIf(p.status != nil, p.renderForm),
		p.renderConfirm(),
	)
}

func (p *realNamePage) renderForm() app.UI {
	st := p.status
	pending := st.State == realNameReviewPending
	var msg app.UI
	switch {
	case p.done:
		msg = app.P().ID("realname-message").Class("notice", "notice-ok").Attr("role", "status").Attr("tabindex", "-1").Text(msgRealNameOK)
	case p.err != "":
		msg = app.Div().ID("realname-message").Class("notice", "notice-error").Attr("role", "alert").Attr("tabindex", "-1").Body(
			app.Span().Text(p.err),
			app.If(p.errCode == errcode.RealNameQuota, func() app.UI {
				return app.A().ID("apply-review-quota").Class("link-button").Href(pathReview).Text("申请人工审核")
			}),
		)
	case pending:
		msg = app.P().ID("realname-message").Class("notice", "notice-warn").Attr("role", "status").Text(msgRealNamePending)
	default:
		hint, good := realNameHint(st.State)
		msg = app.P().ID("realname-message").Class("hint", goodClass(good)).Text(hint)
	}
	until := st.ValidUntil
	if until == "" {
		until = "长期"
	}
	return app.Section().Class("card", "realname-card").Attr("aria-labelledby", "realname-facts-title").Body(
		msg,
		app.H2().ID("realname-facts-title").Class("section-title").Text("操作说明："),
		app.Dl().Class("facts").Body(
			fact("*证件类型", docTypeLabel(st.DocType), "rn-doc-type"),
			fact("*证件号码", st.DocNumber, "rn-doc-number"),
			fact("*姓名", st.Name, "rn-name"),
			fact("*身份证件有效开始日期", st.ValidFrom, "rn-valid-from"),
			fact("*身份证件有效截止日期", until, "rn-valid-until"),
		),
		app.Ol().Class("steps").Body(app.Range(realNameSteps).Slice(func(i int) app.UI {
			return app.Li().Text(realNameSteps[i])
		})),
		app.Div().Class("actions").Body(
			disabledIf(app.Button().ID("realname-submit").Type("button").Class("btn", "btn-primary"), pending || p.busy).
				Text("实名核验").
				OnClick(func(ctx app.Context, _ app.Event) {
					p.err, p.errCode = "", ""
					p.confirm = true
					focus(ctx, "realname-confirm")
				}),
			app.A().ID("realname-back").Class("btn", "btn-outline").Href(pathProfile).Text("返回"),
		),
	)
}

func fact(label, value, id string) app.UI {
	return app.Div().Class("fact").Body(app.Dt().Text(label+"："), app.Dd().ID(id).Text(orDash(value)))
}

// renderConfirm is the seed's confirm dialog: the attempts left and the name, repeated.
func (p *realNamePage) renderConfirm() app.UI {
	if !p.confirm || p.status == nil {
		return nil
	}
	closeDialog := func(ctx app.Context) {
		p.confirm = false
		focusNow("realname-submit")
	}
	return dialog("realname-dialog", "alertdialog", "realname-dialog-title", closeDialog,
		app.Div().Class("dialog-body").Body(
			app.H2().ID("realname-dialog-title").Text("实名核验"),
			app.P().ID("realname-remaining").Text("每日您最多可进行三次实名核验，您还剩"+strconv.Itoa(p.status.Remaining)+"次，是否确认提交？"),
			app.P().ID("realname-name-check").Text("您使用当前证件号码进行实名核的姓名为："+p.status.Name+"，请确认与证件是否一致。"),
		),
		app.Div().Class("dialog-actions").Body(
			disabledIf(app.Button().ID("realname-confirm").Type("button").Class("btn", "btn-primary"), p.busy).
				Text(buttonText(p.busy, "确认提交", "正在核验…")).OnClick(p.submit),
			app.Button().ID("realname-cancel").Type("button").Class("btn", "btn-outline").Text("返回检查").
				OnClick(func(ctx app.Context, _ app.Event) { closeDialog(ctx) }),
		),
	)
}

// renderGuidance is the page after a failure: 请您仔细阅读以下说明, then 申请人工审核 or 返回.
func (p *realNamePage) renderGuidance() app.UI {
	return app.Section().ID("guidance").Class("card", "guidance").Attr("aria-labelledby", "guidance-title").Body(
		app.H2().ID("guidance-title").Attr("tabindex", "-1").Text("请您仔细阅读以下说明"),
		app.P().ID("guidance-remaining").Class("hint", "hint-warn").Text("今日您还可进行"+strconv.Itoa(p.status.Remaining)+"次实名核验。"),
		app.Range(failureGuidance).Slice(func(i int) app.UI { return app.P().Class("guidance-item").Text(failureGuidance[i]) }),
		app.Div().Class("actions").Body(
			app.A().ID("apply-review").Class("btn", "btn-primary").Href(pathReview).Text("申请人工审核"),
			app.Button().ID("guidance-back").Type("button").Class("btn", "btn-outline").Text("返回").
				OnClick(func(ctx app.Context, _ app.Event) {
					p.failed = false
					focus(ctx, "realname-submit")
				}),
		),
	)
}
