package app

import (
	"fmt"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"jszg/shared/api"
	"jszg/shared/contact"
	"jszg/shared/document"
	"jszg/shared/errcode"
	"jszg/shared/ethnicity"
	"jszg/shared/validator"
)

// The personal centre's actions. Each opens its form in place of the identity facts, in the
// 2.3.1 layout (labelled rows, 提交 and 返回 under them); 返回 and a success go back to the facts.
const (
	actionIdentity = "identity"
	actionPassword = "password"
	actionPhone    = "phone"
)

// msgStagedTip is the seed's tip under 修改个人身份信息.
const msgStagedTip = "提示：如需修改姓名、身份证件有效开始日期、身份证件有效截止日期，请进入实名核验页面，实名核验通过后方可修改成功。"

// profileForms is the state of the open action's form.
type profileForms struct {
	action  string
	errs    map[string]string
	formErr string
	busy    bool
	notice  string // the last success, shown over the facts

	oldPassword string
	pw          passwordPair

	phone, code, password string
	phoneWait             resendWait
	phoneSent             string

	id api.IdentityUpdate
}

// openAction shows the form of action, filled from the account where it changes something.
func (p *profilePage) openAction(ctx app.Context, action string) {
	f := &p.forms
	if f.action == action {
		return
	}
	*f = profileForms{action: action, errs: map[string]string{}, phoneWait: f.phoneWait}
	if action == actionIdentity && p.me != nil {
		me := p.me
		f.id = api.IdentityUpdate{Ethnicity: me.Ethnicity, Name: me.FullName, ValidityTerm: me.ValidityTerm,
			ValidFrom: me.ValidFrom, ValidUntil: me.ValidUntil}
		if st := me.Staged; st != nil {
			// The change already waiting is what the applicant last asked for.
			f.id.Name, f.id.ValidityTerm, f.id.ValidFrom, f.id.ValidUntil = st.Name, st.ValidityTerm, st.ValidFrom, st.ValidUntil
		}
	}
	focus(ctx, "action-title")
}

// closeAction goes back to the facts, with notice when the action succeeded.
func (p *profilePage) closeAction(ctx app.Context, notice string) {
	opener := "action-" + p.forms.action
	p.forms = profileForms{notice: notice, phoneWait: p.forms.phoneWait}
	if notice != "" {
		focus(ctx, "action-notice")
	} else {
		focus(ctx, opener)
	}
}

// failed places the server's refusal at its fields (of those the form shows) or above the
// buttons, and focuses the first.
func (p *profilePage) failed(ctx app.Context, err error, order ...string) {
	f := &p.forms
	if c := errorCode(err); c == errcode.Unauthorized || c == errcode.SessionExpired {
		ctx.Navigate(pathLogin)
		return
	}
	fields, form := fieldErrors(err)
	f.formErr = form
	f.pw.take(fields)
	for k, m := range fields {
		switch {
		case k == fieldPassword && f.action == actionPassword, k == fieldPasswordConfirm:
		case containsField(order, k):
			f.errs[k] = m
		default:
			f.formErr = m
		}
	}
	all := map[string]string{}
	for k, m := range f.errs {
		all[k] = m
	}
	if f.action == actionPassword {
		all[fieldPassword], all[fieldPasswordConfirm] = f.pw.errFor(fieldPassword), f.pw.errFor(fieldPasswordConfirm)
	}
	if first := firstOf(all, order...); first != "" {
		focusFirstIn(ctx, "row-"+first)
	} else if f.formErr != "" {
		focus(ctx, "action-error")
	}
}

func containsField(fields []string, f string) bool {
	for _, x := range fields {
		if x == f {
			return true
		}
	}
	return false
}

// 修改密码.

func (p *profilePage) submitPassword(ctx app.Context, e app.Event) {
	e.PreventDefault()
	f := &p.forms
	if f.busy || p.me == nil {
		return
	}
	f.formErr = ""
	f.errs["old_password"] = requiredMessage(f.oldPassword, errcode.PasswordOldRequired)
	first := f.pw.submit()
	if f.errs["old_password"] != "" {
		first = "old_password"
	}
	if first != "" {
		focusFirstIn(ctx, "row-"+first)
		return
	}
	csrf, req := p.me.CSRFToken, api.ChangePasswordRequest{OldPassword: f.oldPassword, Password: f.pw.pw, PasswordConfirm: f.pw.confirm}
	f.busy = true
	p.ctx.Async(func() {
		err := changePassword(csrf, req)
		p.ctx.Dispatch(func(ctx app.Context) {
			f.busy = false
			if err != nil {
				p.failed(ctx, err, "old_password", fieldPassword, fieldPasswordConfirm)
				return
			}
			p.closeAction(ctx, "密码修改成功，其他设备上的登录已退出，请使用新密码登录。")
		})
	})
}

func (p *profilePage) renderPasswordForm() app.UI {
	f := &p.forms
	oldErr := f.errs["old_password"]
	return app.Form().ID("password-form").Class("form", "form-grid").NoValidate(true).OnSubmit(p.submitPassword).Body(
		row("old_password", "原密码", true, oldErr,
			textField("old_password", "password", "请输入原密码", &f.oldPassword, oldErr, func() { f.errs["old_password"] = "" }, nil).
				Attr("autocomplete", "current-password"),
		),
		f.pw.render("新密码"),
		p.actionButtons("password-submit"),
	)
}

// 修改手机号码.

func (p *profilePage) checkNewPhone() string {
	f := &p.forms
	if m := requiredMessage(f.phone, errcode.PhoneRequired); m != "" {
		return m
	}
	if err := validator.ValidatePhone(f.phone); err != nil {
		return err.Error()
	}
	return ""
}

func (p *profilePage) sendPhoneCode(ctx app.Context, _ app.Event) {
	f := &p.forms
	if f.phoneWait.busy() || p.me == nil {
		return
	}
	f.phoneSent, f.formErr = "", ""
	f.errs["code"] = ""
	if f.errs["phone"] = p.checkNewPhone(); f.errs["phone"] != "" {
		focusFirstIn(ctx, "row-phone")
		return
	}
	phone, _ := contact.NormalizePhone(f.phone)
	csrf := p.me.CSRFToken
	f.phoneWait.sending = true
	p.ctx.Async(func() {
		res, err := sendPhoneCode(csrf, phone)
		p.ctx.Dispatch(func(ctx app.Context) {
			f.phoneWait.sending = false
			if err != nil {
				p.failed(ctx, err, "phone", "code")
				if fields, form := fieldErrors(err); form != "" && len(fields) == 0 {
					// A limit refused the send: say it at the code, where the button is.
					f.errs["code"], f.formErr = form, ""
				}
				if s := retryAfter(err); s > 0 {
					f.phoneWait.start(p.ctx, s)
				}
				return
			}
			f.phoneSent = fmt.Sprintf("验证码已发送至手机 %s，%d分钟内有效。", contact.MaskPhone(phone), max(1, res.ExpiresIn/60))
			f.phoneWait.start(p.ctx, res.ResendAfter)
		})
	})
}

func (p *profilePage) submitPhone(ctx app.Context, e app.Event) {
	e.PreventDefault()
	f := &p.forms
	if f.busy || p.me == nil {
		return
	}
	f.formErr = ""
	f.errs["phone"] = p.checkNewPhone()
	f.errs["code"] = ""
	if err := validator.ValidateCode(f.code); err != nil {
		f.errs["code"] = err.Error()
	}
	f.errs["password"] = requiredMessage(f.password, errcode.PasswordRequired)
	if first := firstOf(f.errs, "phone", "code", "password"); first != "" {
		focusFirstIn(ctx, "row-"+first)
		return
	}
	phone, _ := contact.NormalizePhone(f.phone)
	csrf, req := p.me.CSRFToken, api.ChangePhoneRequest{Phone: phone, Code: strings.TrimSpace(f.code), Password: f.password}
	f.busy = true
	p.ctx.Async(func() {
		me, err := changePhone(csrf, req)
		p.ctx.Dispatch(func(ctx app.Context) {
			f.busy = false
			if err != nil {
				p.failed(ctx, err, "phone", "code", "password")
				return
			}
			if me.AccountID != "" {
				if me.CSRFToken == "" {
					me.CSRFToken = csrf
				}
				p.me = me
			}
			p.closeAction(ctx, "手机号码修改成功，原手机号码已收到通知短信。")
			p.load(ctx)
		})
	})
}

func (p *profilePage) renderPhoneForm() app.UI {
	f := &p.forms
	phoneErr, codeErr, pwErr := f.errs["phone"], f.errs["code"], f.errs["password"]
	return app.Form().ID("phone-form").Class("form", "form-grid").NoValidate(true).OnSubmit(p.submitPhone).Body(
		shownRow("phone-current", "当前手机号码", p.me.Phone),
		row("phone", "新手机号码", true, phoneErr,
			textField("phone", "tel", "请输入", &f.phone, phoneErr, func() { f.errs["phone"] = "" }, func() {
				if strings.TrimSpace(f.phone) != "" {
					f.errs["phone"] = p.checkNewPhone()
				}
			}).Attr("autocomplete", "tel").Attr("inputmode", "numeric").MaxLength(11),
		),
		row("code", "验证码", true, codeErr,
			app.Div().Class("code-line").Body(
				textField("code", "text", "请输入验证码", &f.code, codeErr, func() { f.errs["code"] = "" }, nil).
					Attr("inputmode", "numeric").Attr("autocomplete", "one-time-code").MaxLength(6),
				inertIf(app.Button().ID("phone-send-code").Type("button").Class("btn", "btn-outline", "btn-code"), f.phoneWait.busy()).
					Text(f.phoneWait.label("免费获取验证码")).OnClick(p.sendPhoneCode),
			),
			app.P().ID("phone-code-notice").Class("field-tip", "tip-ok").Attr("role", "status").Body(
				app.If(f.phoneSent != "", func() app.UI { return app.Text(f.phoneSent) }),
			),
		),
		row("password", "当前密码", true, pwErr,
			textField("password", "password", "请输入当前登录密码", &f.password, pwErr, func() { f.errs["password"] = "" }, nil).
				Attr("autocomplete", "current-password"),
		),
		p.actionButtons("phone-submit"),
	)
}

// 修改个人身份信息.

// identityUntil is 有效截止日期 derived from the start date and the term, as on 注册.
func (p *profilePage) identityUntil() string {
	id := &p.forms.id
	from, ok := document.ParseDate(id.ValidFrom)
	if !ok {
		return ""
	}
	end, ok := document.TermEnd(id.ValidityTerm, from)
	if !ok {
		return ""
	}
	return document.FormatDate(end)
}

// checkIdentity is the shared rules' verdict on the identity form, by field.
func (p *profilePage) checkIdentity() map[string]string {
	id, me := &p.forms.id, p.me
	errs := map[string]string{}
	put := func(field string, err error) {
		if err != nil && errs[field] == "" {
			errs[field] = err.Error()
		}
	}
	if !ethnicity.Valid(id.Ethnicity, me.DocType) {
		errs["ethnicity"] = errcode.EthnicityInvalid.Message()
	}
	put("name", validator.ValidateName(id.Name))
	// Both left empty keep the numbers on file, which the page shows only masked.
	if me.DocType == api.DocResidencePermit && (strings.TrimSpace(id.PermitNumber) != "" || strings.TrimSpace(id.LocalID) != "") {
		put("permit_number", validator.ValidatePermitNumber(me.Region, id.PermitNumber))
		put("local_id", validator.ValidateLocalID(me.Region, id.LocalID))
	}
	// The holder's birth date is masked on the page (a zero one skips the age rule of the term,
	// which the server applies).
	for _, e := range validator.ValidateValidity(me.DocType, time.Time{}, id.ValidityTerm, id.ValidFrom, p.identityUntil(), today()) {
		field := e.Field
		if field == "" {
			field = "valid_from"
		}
		put(field, e)
	}
	return errs
}

func (p *profilePage) submitIdentity(ctx app.Context, e app.Event) {
	e.PreventDefault()
	f := &p.forms
	if f.busy || p.me == nil {
		return
	}
	f.formErr = ""
	if d, ok := normalizeDate(f.id.ValidFrom); ok {
		f.id.ValidFrom = d
	}
	f.errs = p.checkIdentity()
	order := []string{"ethnicity", "name", "permit_number", "local_id", "validity_term", "valid_from", "valid_until"}
	if first := firstOf(f.errs, order...); first != "" {
		focusFirstIn(ctx, "row-"+first)
		return
	}
	req := f.id
	req.ValidUntil = p.identityUntil()
	csrf := p.me.CSRFToken
	f.busy = true
	p.ctx.Async(func() {
		res, err := updateIdentity(csrf, req)
		p.ctx.Dispatch(func(ctx app.Context) {
			f.busy = false
			if err != nil {
				p.failed(ctx, err, order...)
				return
			}
			me := res.Me
			if me.CSRFToken == "" {
				me.CSRFToken = csrf
			}
			p.me = &me
			msg := "个人身份信息已修改。"
			if res.Staged {
				msg = "修改已保存。姓名、身份证件有效时间段及有效日期的修改须实名核验通过后方可生效，在此之前仍显示原信息。"
			}
			p.closeAction(ctx, msg)
		})
	})
}

func (p *profilePage) renderIdentityForm() app.UI {
	f, me := &p.forms, p.me
	id := &f.id
	permit := me.DocType == api.DocResidencePermit
	terms := allTerms
	if permit {
		terms = []string{api.Term5Years}
	}
	until, untilPlaceholder := p.identityUntil(), "选择开始日期后自动生成"
	if id.ValidityTerm == api.TermLongTerm {
		untilPlaceholder = "长期有效"
	}
	options := ethnicity.Options(me.DocType)
	ethErr, nameErr, fromErr := f.errs["ethnicity"], f.errs["name"], f.errs["valid_from"]
	clearErr := func(field string) func() { return func() { f.errs[field] = "" } }
	return app.Form().ID("identity-form").Class("form", "form-grid").NoValidate(true).OnSubmit(p.submitIdentity).Body(
		shownRow("id-doc-type", "身份证件类型", docTypeLabel(me.DocType)),
		app.If(permit, func() app.UI { return shownRow("id-region", "地区", regionLabel(me.Region)) }),
		shownRow("id-doc-number", "身份证件号码", me.DocNumber),
		row("name", "姓名", true, nameErr,
			textField("name", "text", "请填写与身份证件一致的姓名", &id.Name, nameErr, clearErr("name"), nil).
				Attr("autocomplete", "name").Attr("spellcheck", "false"),
		),
		shownRow("id-sex", "性别", me.Sex),
		shownRow("id-birth-date", "出生日期", me.BirthDate),
		row("ethnicity", "民族", true, ethErr,
			app.Select().ID("ethnicity").Name("ethnicity").Class("input", invalidClass(ethErr)).
				Attr("aria-invalid", ethErr != "").Attr("aria-describedby", describedBy("ethnicity", ethErr)).
				OnChange(func(ctx app.Context, _ app.Event) {
					id.Ethnicity = ctx.JSSrc().Get("value").String()
					f.errs["ethnicity"] = ""
				}).Body(
				selectedIf(app.Option().Value(""), id.Ethnicity == "").Text("---请选择---"),
				app.Range(options).Slice(func(i int) app.UI {
					return selectedIf(app.Option().Value(options[i]), id.Ethnicity == options[i]).Text(options[i])
				}),
			),
		),
		app.Div().ID("row-validity_term").Body(groupRow("validity_term", "身份证件有效时间段", true, f.errs["validity_term"],
			app.Div().ID("validity_term").Class("radios").Body(
				app.Range(terms).Slice(func(i int) app.UI {
					t := terms[i]
					rid := "validity_term-" + t
					return app.Label().Class("radio").For(rid).Body(
						checkedIf(app.Input().Type("radio").ID(rid).Name("validity_term").Value(t), id.ValidityTerm == t).
							OnChange(func(ctx app.Context, _ app.Event) {
								id.ValidityTerm = t
								f.errs["validity_term"], f.errs["valid_until"] = "", ""
							}, app.EventScope(t)),
						app.Span().Text(termLabel(t)),
					)
				}),
			),
		)),
		row("valid_from", "身份证件有效开始日期", true, fromErr,
			textField("valid_from", "text", "例：2020-03-01", &id.ValidFrom, fromErr, clearErr("valid_from"), func() {
				if d, ok := normalizeDate(id.ValidFrom); ok {
					id.ValidFrom = d
				}
			}, "valid_from-tip").Attr("inputmode", "numeric").Attr("autocomplete", "off").MaxLength(10),
			app.P().ID("valid_from-tip").Class("field-tip").Text("格式：年-月-日，如 2020-03-01，可直接输入 20200301。"),
		),
		row("valid_until", "身份证件有效截止日期", true, f.errs["valid_until"],
			app.Input().ID("valid_until").Name("valid_until").Type("text").Class("input", "input-derived").
				ReadOnly(true).Attr("tabindex", "-1").Placeholder(untilPlaceholder).Value(until),
		),
		shownRow("id-email", "安全邮箱", me.Email),
		shownRow("id-phone", "手机号码", me.Phone),
		app.If(permit, func() app.UI {
			permitErr, localErr := f.errs["permit_number"], f.errs["local_id"]
			return app.Div().Body(
				row("permit_number", "通行证号码", true, permitErr,
					textField("permit_number", "text", "当前："+orDash(me.PermitNumber)+"，不修改请留空", &id.PermitNumber, permitErr, clearErr("permit_number"), nil, "permit-tip").
						Attr("autocapitalize", "characters").Attr("spellcheck", "false").MaxLength(16),
				),
				row("local_id", "港澳台当地身份证件号码", true, localErr,
					textField("local_id", "text", "不修改请留空", &id.LocalID, localErr, clearErr("local_id"), nil, "permit-tip").
						Attr("autocapitalize", "characters").Attr("spellcheck", "false").MaxLength(16),
					app.P().ID("permit-tip").Class("field-tip").Text("通行证号码与当地身份证件号码须一并填写；两项都留空则保留原号码。"),
				),
				app.Div().Class("field-note").Body(
					app.P().Text("办理教师资格业务需要完成实名核验才可进行，将使用通行证的信息进行实名核验，请务必保证姓名和通行证号码与证件上的信息一致。"),
					app.P().Text("持港澳居民来往内地通行证，通行证号码一栏请填写①处的内容；当地身份证件号码一栏请填写②处的内容。"),
					app.P().Text("持五年有效期台湾居民来往大陆通行证，通行证号码一栏请填写③处的内容；当地身份证件号码一栏请填写④处的内容。"),
				),
			)
		}),
		app.P().ID("identity-tip").Class("field-note").Text(msgStagedTip),
		p.actionButtons("identity-submit"),
	)
}

// actionButtons are 提交 and 返回 under an action's form, with the form's own message.
func (p *profilePage) actionButtons(submitID string) app.UI {
	f := &p.forms
	return app.Div().Body(
		app.If(f.formErr != "", func() app.UI {
			return app.Div().ID("action-error").Class("notice", "notice-error").Attr("role", "alert").Attr("tabindex", "-1").Text(f.formErr)
		}),
		app.Div().Class("form-actions").Body(
			disabledIf(app.Button().ID(submitID).Type("submit").Class("btn", "btn-primary"), f.busy).
				Text(buttonText(f.busy, "提交", "正在提交…")),
			app.Button().ID("action-back").Type("button").Class("btn", "btn-outline").Text("返回").
				OnClick(func(ctx app.Context, _ app.Event) { p.closeAction(ctx, "") }),
		),
	)
}

// renderAction is the open action: its title and form.
func (p *profilePage) renderAction() app.UI {
	var title string
	var form app.UI
	switch p.forms.action {
	case actionPassword:
		title, form = "修改密码", p.renderPasswordForm()
	case actionPhone:
		title, form = "修改手机号码", p.renderPhoneForm()
	default:
		title, form = "修改个人身份信息", p.renderIdentityForm()
	}
	return app.Div().Class("action-form").Body(
		app.H2().ID("action-title").Attr("tabindex", "-1").Text(title),
		form,
	)
}

// renderStaged shows a change of name or validity waiting for 实名核验.
func renderStaged(st *api.StagedIdentity) app.UI {
	until := st.ValidUntil
	if until == "" && st.ValidityTerm == api.TermLongTerm {
		until = "长期"
	}
	item := func(label, value, id string) app.UI {
		return app.Div().Body(app.Dt().Text(label+"："), app.Dd().ID(id).Text(orDash(value)))
	}
	return app.Div().ID("staged").Class("notice", "notice-warn", "staged").Body(
		app.P().Text("以下修改待实名核验通过后生效："),
		app.Dl().Body(
			item("姓名", st.Name, "staged-name"),
			item("身份证件有效时间段", termLabel(st.ValidityTerm), "staged-term"),
			item("身份证件有效开始日期", st.ValidFrom, "staged-valid-from"),
			item("身份证件有效截止日期", until, "staged-valid-until"),
		),
	)
}
