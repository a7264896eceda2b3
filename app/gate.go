package app

import (
	"net/url"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"jszg/shared/api"
	"jszg/shared/errcode"
)

// enterBusiness takes an applicant who came for a business entry (?entry=certification or
// registration, set by 登录) on to that business system when the account may do business, and
// otherwise keeps it in the centre with the seed's message.
func (p *profilePage) enterBusiness(ctx app.Context) {
	entry := ctx.Page().URL().Query().Get("entry")
	if entry != api.EntryCertification && entry != api.EntryRegistration {
		return
	}
	ctx.Async(func() {
		var res api.EntryResponse
		err := call("GET", "/api/me/entries/"+url.PathEscape(entry), "", nil, &res)
		ctx.Dispatch(func(ctx app.Context) {
			switch {
			case err == nil:
				ctx.Navigate(res.Redirect)
			case errorCode(err) == errcode.RealNameRequired:
				p.gate = userMessage(err)
				focus(ctx, "gate-ok")
			default:
				p.actionErr = userMessage(err)
			}
		})
	})
}

// renderGateDialog is the business gate's refusal: the message and 确定, which leads on to
// 实名核验.
func (p *profilePage) renderGateDialog() app.UI {
	if p.gate == "" {
		return nil
	}
	closeDialog := func(ctx app.Context) {
		p.gate = ""
		focus(ctx, "goto-realname")
	}
	return dialog("gate-dialog", "alertdialog", "gate-title", closeDialog,
		app.Div().Class("dialog-body").Body(
			app.H2().ID("gate-title").Text("提示"),
			app.P().ID("gate-text").Text(p.gate),
		),
		app.Div().Class("dialog-actions").Body(
			app.Button().ID("gate-ok").Type("button").Class("btn", "btn-primary").Text("确定").
				OnClick(func(ctx app.Context, _ app.Event) { closeDialog(ctx) }),
		),
	)
}
