package app

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"jszg/shared/errcode"
	"jszg/shared/password"
	"jszg/shared/validator"
)

// Pieces the forms of 忘记密码 and the personal centre share: a labelled text field, the pair of
// new-password fields with the strength meter, and the wait of a button that sends something.

// textField is one labelled row (id "row-"+id, for focusFirstIn) with an input bound to *dst.
// The input reports every change to onInput and its leaving to onBlur (either may be nil);
// tips are the ids of texts that describe it besides its error.
func textField(id, typ, placeholder string, dst *string, errMsg string, onInput, onBlur func(), tips ...string) app.HTMLInput {
	in := app.Input().ID(id).Name(id).Type(typ).Class("input", invalidClass(errMsg)).
		Placeholder(placeholder).Value(*dst).
		Attr("aria-invalid", errMsg != "").
		OnInput(func(ctx app.Context, _ app.Event) {
			*dst = ctx.JSSrc().Get("value").String()
			if onInput != nil {
				onInput()
			}
		}, app.EventScope(id)).
		OnBlur(func(ctx app.Context, _ app.Event) {
			if onBlur != nil {
				onBlur()
			}
		}, app.EventScope(id))
	if d := describedBy(id, errMsg, tips...); d != "" {
		in = in.Attr("aria-describedby", d)
	}
	return in
}

// row wraps fieldRow in the container focusFirstIn looks for.
func row(id, label string, required bool, errMsg string, control app.UI, extra ...app.UI) app.UI {
	return app.Div().ID("row-" + id).Body(fieldRow(id, label, required, errMsg, control, extra...))
}

// shownRow is a row that shows a value the applicant cannot change here (a masked phone, the
// document type): a label-like term and the value, not a control.
func shownRow(id, label, value string) app.UI {
	return app.Div().ID("row-"+id).Class("field", "field-shown").Body(
		app.Span().Class("field-label").Body(
			app.Span().Class("req").Attr("aria-hidden", "true").Text("*"),
			app.Text(label+"："),
		),
		app.Div().Class("field-control").Body(
			app.Span().ID(id).Class("field-value").Text(orDash(value)),
		),
	)
}

// passwordPair is 新密码 and 确认密码 with the shared rules judged as the applicant types, the
// strength meter of 注册, and the server's verdict at its field until the field is edited. The
// client knows nothing personal of the holder (the page holds only masked values), so the rules
// that compare with the ID number or phone are the server's to apply.
type passwordPair struct {
	pw, confirm string
	touched     map[string]bool
	server      map[string]string
}

// Field ids of the pair.
const (
	fieldPassword        = "password"
	fieldPasswordConfirm = "password_confirm"
)

func (p *passwordPair) clear() { *p = passwordPair{} }

// check is the shared rules' verdict on one field.
func (p *passwordPair) check(field string) string {
	var err error
	switch field {
	case fieldPassword:
		err = validator.ValidatePassword(p.pw, password.Personal{})
	case fieldPasswordConfirm:
		err = validator.ValidatePasswordConfirm(p.pw, p.confirm)
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

func (p *passwordPair) errFor(field string) string {
	if m := p.server[field]; m != "" {
		return m
	}
	if p.touched[field] {
		return p.check(field)
	}
	return ""
}

func (p *passwordPair) touch(field string) {
	if p.touched == nil {
		p.touched = map[string]bool{}
	}
	p.touched[field] = true
}

// submit marks both fields as given and returns the first in error, "" when both pass.
func (p *passwordPair) submit() string {
	p.touch(fieldPassword)
	p.touch(fieldPasswordConfirm)
	for _, f := range []string{fieldPassword, fieldPasswordConfirm} {
		if p.errFor(f) != "" {
			return f
		}
	}
	return ""
}

// take keeps the server's verdict on the pair's fields and reports whether there was one.
func (p *passwordPair) take(fields map[string]string) bool {
	p.server = map[string]string{}
	for _, f := range []string{fieldPassword, fieldPasswordConfirm} {
		if m := fields[f]; m != "" {
			p.server[f] = m
		}
	}
	return len(p.server) > 0
}

// render is the two rows; label names the first (新密码).
func (p *passwordPair) render(label string) app.UI {
	edited := func(field string) func() {
		return func() {
			delete(p.server, field)
			if field == fieldPassword && p.touched[fieldPasswordConfirm] {
				delete(p.server, fieldPasswordConfirm)
			}
		}
	}
	left := func(field string, v *string) func() {
		return func() {
			if *v != "" {
				p.touch(field)
			}
		}
	}
	pwErr, confirmErr := p.errFor(fieldPassword), p.errFor(fieldPasswordConfirm)
	return app.Div().Class("password-pair").Body(
		row(fieldPassword, label, true, pwErr,
			textField(fieldPassword, "password", "8位以上", &p.pw, pwErr,
				edited(fieldPassword), left(fieldPassword, &p.pw), "password-strength").
				Attr("autocomplete", "new-password").MaxLength(64),
			strengthMeter(p.pw),
		),
		row(fieldPasswordConfirm, "确认密码", true, confirmErr,
			textField(fieldPasswordConfirm, "password", "请再次输入", &p.confirm, confirmErr,
				edited(fieldPasswordConfirm), left(fieldPasswordConfirm, &p.confirm)).
				Attr("autocomplete", "new-password").MaxLength(64),
		),
	)
}

// resendWait is the time a button that sends (a code, a link) must wait before it may send
// again, counted down from the wall clock once a second so that a throttled background tab
// shows the right number when it comes back.
type resendWait struct {
	sending bool
	until   time.Time
	left    int
	gen     int
}

// start waits seconds (60 when the server said nothing) on the page's context.
func (w *resendWait) start(ctx app.Context, seconds int) {
	if seconds <= 0 {
		seconds = 60
	}
	w.gen++
	w.until = time.Now().Add(time.Duration(seconds) * time.Second)
	w.left = seconds
	w.tick(ctx, w.gen)
}

func (w *resendWait) tick(ctx app.Context, gen int) {
	ctx.After(time.Second, func(ctx app.Context) {
		if gen != w.gen {
			return
		}
		w.left = max(0, int(time.Until(w.until).Round(time.Second)/time.Second))
		if w.left > 0 {
			w.tick(ctx, gen)
		}
	})
}

// busy reports whether a press is to be ignored: sending, or waiting.
func (w *resendWait) busy() bool { return w.sending || w.left > 0 }

// label is the button's text: idle, or the wait.
func (w *resendWait) label(idle string) string {
	switch {
	case w.sending:
		return "正在发送…"
	case w.left > 0:
		return fmt.Sprintf("%d秒后重新获取", w.left)
	}
	return idle
}

// retryAfter is the wait a refusal asks for, 0 when it asks for none.
func retryAfter(err error) int {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae.Body.RetryAfter
	}
	return 0
}

// firstOf returns the first of fields that has a message in errs.
func firstOf(errs map[string]string, fields ...string) string {
	for _, f := range fields {
		if errs[f] != "" {
			return f
		}
	}
	return ""
}

// requiredMessage is the message of a field left empty, or "".
func requiredMessage(v string, c errcode.Code) string {
	if strings.TrimSpace(v) == "" {
		return c.Message()
	}
	return ""
}
