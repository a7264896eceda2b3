package app

import (
	"net/url"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"jszg/shared/api"
	"jszg/shared/errcode"
)

// Wording of the personal centre's WeChat binding.
const (
	msgFollowUs      = "请关注中国教师资格网服务号"
	msgBindInCentre  = "可在个人中心中绑定帐号"
	msgBindUses      = "绑定后可通过服务号获取验证码、接收审核结果通知，忘记密码时可通过微信重置密码。"
	msgScanToBind    = "请使用微信扫描二维码，关注中国教师资格网服务号并完成绑定"
	msgBound         = "微信绑定成功！今后可通过中国教师资格网服务号获取验证码、接收审核结果通知。"
	msgUnbound       = "已解除微信绑定。"
	msgUnbindConfirm = "解除绑定后，将无法通过服务号获取验证码、接收审核结果通知，也无法通过微信重置密码。确定要解除绑定吗？"
	msgOAuthHint     = "将使用当前微信完成绑定。"
)

// wechatBinding is the state of the personal centre's 微信绑定 block: the binding as the server
// reports it, the bind QR code while it is shown, the unbind confirmation, and the message of the
// last outcome (also the one WeChat's authorization comes back with).
type wechatBinding struct {
	info     *api.WeChatBinding
	loadErr  string
	scan     scanWatch
	scanning bool // the bind QR code is shown
	inWeChat bool // WeChat's in-app browser: bind through its authorization instead of a QR code
	confirm  bool // the unbind dialog is open
	busy     bool // unbinding
	notice   string
	noticeOK bool
}

// oauthOutcome is the message for the personal centre's address after WeChat's authorization:
// ?wechat=bound, or ?wechat_error= with the reason. ok is false for a failure; "" when the
// address carries neither.
func oauthOutcome(q url.Values) (msg string, ok bool) {
	if q.Get("wechat") == "bound" {
		return msgBound, true
	}
	switch q.Get("wechat_error") {
	case "":
		return "", false
	case api.WeChatOAuthDenied:
		return "微信授权未完成，帐号未绑定。请重新点击“微信授权绑定”并在微信中确认。", false
	case api.WeChatOAuthOpenIDTaken:
		return errcode.WeChatOpenIDTaken.Message(), false
	case api.WeChatOAuthAccountBound:
		return errcode.WeChatAccountBound.Message(), false
	case api.WeChatOAuthUnavailable:
		return "微信服务暂时不可用，帐号未绑定，请稍后再试。", false
	}
	return "微信绑定未成功，请重试。", false
}

// takeOAuthOutcome shows the outcome WeChat's authorization came back with, and drops it from
// the address so that a reload does not show it again.
func (p *profilePage) takeOAuthOutcome(ctx app.Context) {
	u := ctx.Page().URL()
	q := u.Query()
	msg, ok := oauthOutcome(q)
	if msg == "" {
		return
	}
	p.wx.notice, p.wx.noticeOK = msg, ok
	if app.IsClient {
		q.Del("wechat")
		q.Del("wechat_error")
		u.RawQuery = q.Encode()
		ctx.Page().ReplaceURL(u)
	}
}

// mountWeChat prepares the block in the browser.
func (p *profilePage) mountWeChat(ctx app.Context) {
	p.wx.scan.mount(ctx)
	ua := app.Window().Get("navigator").Get("userAgent")
	p.wx.inWeChat = ua.Truthy() && strings.Contains(ua.String(), "MicroMessenger")
	p.loadWeChat(ctx)
}

func (p *profilePage) loadWeChat(ctx app.Context) {
	p.wx.loadErr = ""
	ctx.Async(func() {
		b, err := fetchWeChatBinding()
		ctx.Dispatch(func(ctx app.Context) {
			if err != nil {
				// A missing session is the identity's business: it sends the visitor to 登录.
				p.wx.loadErr = userMessage(err)
				return
			}
			p.wx.info = b
			if p.me != nil {
				p.me.WeChatBound = b.Bound
			}
		})
	})
}

// startBind shows a bind QR code and watches it.
func (p *profilePage) startBind(ctx app.Context, _ app.Event) {
	if p.me == nil || p.wx.scanning {
		return
	}
	csrf := p.me.CSRFToken
	p.wx.notice = ""
	p.wx.scanning = true
	p.wx.scan.start(func() (*api.WeChatScene, error) { return createBindScene(csrf) }, p.onBindScan)
}

func (p *profilePage) cancelBind(ctx app.Context, _ app.Event) {
	p.wx.scan.stop()
	p.wx.scanning = false
}

// onBindScan follows the bind QR code. A refused scan (this WeChat user is bound to another
// account) stays on the QR block with the reason and a new code to scan.
func (p *profilePage) onBindScan(ctx app.Context) {
	switch p.wx.scan.status {
	case api.SceneBound:
		p.wx.scanning = false
		p.wx.notice, p.wx.noticeOK = msgBound, true
		p.loadWeChat(ctx)
	case scanFailed:
		switch errorCode(p.wx.scan.err) {
		case errcode.Unauthorized, errcode.SessionExpired:
			ctx.Navigate(pathLogin)
		case errcode.WeChatAccountBound:
			// Bound meanwhile (another tab, WeChat's authorization): show the binding.
			p.wx.scanning = false
			p.wx.notice, p.wx.noticeOK = p.wx.scan.message, false
			p.loadWeChat(ctx)
		}
	}
}

// oauth leaves the app for WeChat's authorization; the server brings the browser back to the
// personal centre. A full navigation: the client router would take the API path for a page.
func (p *profilePage) oauth(ctx app.Context, e app.Event) {
	e.PreventDefault()
	e.Call("stopPropagation")
	app.Window().Get("location").Set("href", pathWeChatOAuth)
}

func (p *profilePage) unbind(ctx app.Context, _ app.Event) {
	if p.me == nil || p.wx.busy {
		return
	}
	p.wx.busy = true
	csrf := p.me.CSRFToken
	ctx.Async(func() {
		err := unbindWeChat(csrf)
		ctx.Dispatch(func(ctx app.Context) {
			p.wx.busy = false
			p.wx.confirm = false
			switch c := errorCode(err); {
			case err == nil, c == errcode.WeChatNotBound:
				p.wx.info = &api.WeChatBinding{}
				if p.me != nil {
					p.me.WeChatBound = false
				}
				p.wx.notice, p.wx.noticeOK = msgUnbound, true
				focus(ctx, "wechat-bind")
			case c == errcode.Unauthorized, c == errcode.SessionExpired:
				ctx.Navigate(pathLogin)
			default:
				p.wx.notice, p.wx.noticeOK = userMessage(err), false
			}
		})
	})
}

// renderWeChatNotice is the outcome of the last binding action, at the top of the page where a
// browser coming back from WeChat's authorization lands.
func (p *profilePage) renderWeChatNotice() app.UI {
	if p.wx.notice == "" {
		return nil
	}
	if p.wx.noticeOK {
		return app.Div().ID("wechat-notice").Class("notice", "notice-ok").Attr("role", "status").Text(p.wx.notice)
	}
	return app.Div().ID("wechat-notice").Class("notice", "notice-error").Attr("role", "alert").Text(p.wx.notice)
}

// renderWeChat is the 微信绑定 block beside the identity.
func (p *profilePage) renderWeChat() app.UI {
	w := &p.wx
	bound := w.info != nil && w.info.Bound
	block := app.Aside().ID("wechat-binding").Class("wechat-box").DataSet("bound", bound).
		Attr("aria-labelledby", "wechat-title")
	title := app.H2().ID("wechat-title").Style("font-size", "15px").Style("margin", "0 0 8px").
		Style("color", "var(--ink)").Text("微信绑定")

	switch {
	case w.scanning:
		return block.Body(title,
			w.scan.render("wechat-scan", msgScanToBind, msgBound),
			app.Button().ID("wechat-cancel").Type("button").Class("link-button").Style("margin-top", "8px").
				Text("取消").OnClick(p.cancelBind),
		)
	case w.info == nil && w.loadErr != "":
		return block.Body(title,
			app.P().ID("wechat-error").Class("field-error").Attr("role", "alert").Text(w.loadErr),
			app.Button().Type("button").Class("btn", "btn-small", "btn-outline").Text("重试").
				OnClick(func(ctx app.Context, _ app.Event) { p.loadWeChat(ctx) }),
		)
	case w.info == nil:
		return block.Body(title, app.P().Class("empty-note").Text("正在加载…"))
	case bound:
		return block.Body(title, p.renderBound())
	}
	return block.Body(title,
		app.P().Body(
			app.Span().Text(msgFollowUs),
			app.Br(),
			app.Span().Text(msgBindInCentre),
		),
		app.P().ID("wechat-status").Class("hint", "hint-warn").Text("未绑定微信"),
		app.If(w.inWeChat, func() app.UI {
			return app.Div().Body(
				app.A().ID("wechat-oauth").Class("btn", "btn-primary", "btn-block").Href(pathWeChatOAuth).
					Text("微信授权绑定").OnClick(p.oauth),
				app.P().Class("field-tip").Text(msgOAuthHint),
			)
		}).Else(func() app.UI {
			return app.Button().ID("wechat-bind").Type("button").Class("btn", "btn-primary", "btn-block").
				Text("绑定微信").OnClick(p.startBind)
		}),
		app.P().Class("field-tip").Style("text-align", "left").Text(msgBindUses),
	)
}

func (p *profilePage) renderBound() app.UI {
	b := p.wx.info
	follow := "已关注服务号"
	if !b.Followed {
		follow = "已取消关注服务号，将收不到服务号消息，重新关注即可恢复"
		if b.UnfollowedAt != "" {
			follow = "已于 " + b.UnfollowedAt + " 取消关注服务号，将收不到服务号消息，重新关注即可恢复"
		}
	}
	// The WeChat user is not named: the service account learns no nickname (snsapi_base), and
	// a masked openid means nothing to the applicant.
	facts := []struct{ label, value, id string }{
		{"绑定方式", bindingVia(b.Via), "wechat-via"},
		{"绑定时间", b.BoundAt, "wechat-bound-at"},
		{"服务号", follow, "wechat-followed"},
	}
	return app.Div().Body(
		app.P().ID("wechat-status").Class("hint", "hint-good").Text("✓ 已绑定微信"),
		app.Dl().Style("margin", "0 0 10px").Style("text-align", "left").Body(
			app.Range(facts).Slice(func(i int) app.UI {
				f := facts[i]
				return app.Div().Style("display", "flex").Style("gap", "6px").Style("padding", "3px 0").Body(
					app.Dt().Style("flex", "none").Style("width", "5.2em").Style("color", "var(--ink-3)").Text(f.label+"："),
					app.Dd().ID(f.id).Style("margin", "0").Style("overflow-wrap", "anywhere").Style("color", "var(--ink)").
						Text(orDash(f.value)),
				)
			}),
		),
		disabledIf(app.Button().ID("wechat-unbind").Type("button").Class("btn", "btn-small", "btn-outline"), p.wx.busy).
			Text(buttonText(p.wx.busy, "解除绑定", "正在解除…")).
			OnClick(func(ctx app.Context, _ app.Event) {
				p.wx.notice = ""
				p.wx.confirm = true
				// The safe choice first: Enter on an alert dialog should not destroy anything.
				focus(ctx, "unbind-cancel")
			}),
	)
}

// renderUnbindDialog asks before unbinding.
func (p *profilePage) renderUnbindDialog() app.UI {
	if !p.wx.confirm {
		return nil
	}
	closeDialog := func(ctx app.Context) {
		focusNow("wechat-unbind")
		p.wx.confirm = false
	}
	return dialog("unbind-dialog", "alertdialog", "unbind-title", closeDialog,
		app.Div().Class("dialog-body").Body(
			app.H2().ID("unbind-title").Text("解除微信绑定"),
			app.P().ID("unbind-text").Text(msgUnbindConfirm),
		),
		app.Div().Class("dialog-actions").Body(
			disabledIf(app.Button().ID("unbind-confirm").Type("button").Class("btn", "btn-primary"), p.wx.busy).
				Text(buttonText(p.wx.busy, "确定解除", "正在解除…")).OnClick(p.unbind),
			app.Button().ID("unbind-cancel").Type("button").Class("btn", "btn-outline").Text("取消").
				OnClick(func(ctx app.Context, _ app.Event) { closeDialog(ctx) }),
		),
	)
}

// bindingVia names how the account was bound.
func bindingVia(via string) string {
	switch via {
	case "scan":
		return "扫码绑定"
	case "oauth":
		return "微信授权绑定"
	case "registration":
		return "注册时扫码绑定"
	}
	return via
}
