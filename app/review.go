package app

import (
	"encoding/base64"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"jszg/shared/api"
	"jszg/shared/document"
	"jszg/shared/errcode"
	"jszg/shared/photo"
)

// Wording of 人工审核, from the seed.
const (
	msgReviewPending  = "提示：您已提交人工审核，请耐心等待"
	msgReviewApproved = "提示：人工审核通过，可正常办理业务。如有需要，仍可进行实名核验。"
	msgPhotoConfirm   = "请确认您上传的图片符合要求，避免因照片不清晰、存在旋转或镜像反转，无法识别，导致审核不通过，进而延误报名。"
)

var reviewSteps = []string{
	"1. 请提供清晰的照片，以便人工审核顺利通过。（图片大小小于190KB，格式为JPG）",
	"2. 如果人工审核不通过，请检查当前提交的信息与证件上的信息是否一致。",
}

var photoLabels = map[string]string{
	photo.FrontSide: "身份证A面照片",
	photo.BackSide:  "身份证B面照片",
	photo.HoldingID: "本人手持身份证照片",
}

// photoSlot is one of the three photos: what was chosen, whether it passes the shared rules, and
// the converted copy the page offers when it does not.
type photoSlot struct {
	file      app.Value // the File chosen
	name      string
	size      int
	data      []byte // what will be uploaded: the file itself, or its conversion
	preview   string // data: URL
	err       string
	converted bool
	busy      bool
	took      time.Duration
}

func (s *photoSlot) ok() bool { return s.data != nil && s.err == "" }

// reviewPage is 中国教师资格网——人工审核: the identity, the validity (editable), the three
// photos checked in the page before upload, 申请的缘由, and the confirm dialog with the
// applications left in the period.
type reviewPage struct {
	app.Compo

	ready     bool
	me        *api.Me
	status    *api.ReviewStatus
	loadErr   string
	term      string
	from      string
	until     string
	reason    string
	photos    map[string]*photoSlot
	errs      map[string]string
	formErr   string
	confirm   bool
	busy      bool
	submitted bool
}

func (p *reviewPage) OnNav(ctx app.Context) { ctx.Page().SetTitle("人工审核 - " + siteName) }

func (p *reviewPage) OnMount(ctx app.Context) {
	p.ready = true
	p.photos = map[string]*photoSlot{}
	for _, k := range photo.Kinds {
		p.photos[k] = &photoSlot{}
	}
	p.errs = map[string]string{}
	p.load(ctx)
	markReady(ctx)
}

func (p *reviewPage) load(ctx app.Context) {
	ctx.Async(func() {
		me, err := fetchMe()
		var st api.ReviewStatus
		if err == nil {
			err = call("GET", "/api/me/review", "", nil, &st)
		}
		ctx.Dispatch(func(ctx app.Context) {
			if err != nil {
				if c := errorCode(err); c == errcode.Unauthorized || c == errcode.SessionExpired {
					ctx.Navigate(pathLogin + "?return_to=" + pathReview)
					return
				}
				p.loadErr = userMessage(err)
				return
			}
			p.me, p.status = me, &st
			p.term, p.from, p.until = st.ValidityTerm, st.ValidFrom, st.ValidUntil
		})
	})
}

// choose reads the chosen file and checks it with the shared rules.
func (p *reviewPage) choose(ctx app.Context, kind string, input app.Value) {
	files := input.Get("files")
	if !files.Truthy() || files.Length() == 0 {
		return
	}
	f := files.Index(0)
	slot := &photoSlot{file: f, name: f.Get("name").String(), size: f.Get("size").Int(), busy: true}
	p.photos[kind] = slot
	delete(p.errs, "photo_"+kind)
	ctx.Async(func() {
		data, err := readFile(f)
		ctx.Dispatch(func(ctx app.Context) {
			slot.busy = false
			if err != nil {
				slot.err = errcode.PhotoCorrupt.Message()
				return
			}
			if _, err := photo.Check(data); err != nil {
				slot.err = userMessage(err)
				if e, ok := err.(*errcode.Error); ok {
					slot.err = e.Error()
				}
				return
			}
			slot.data = data
			slot.preview = "data:image/jpeg;base64," + base64.StdEncoding.EncodeToString(data)
		})
	})
}

// convert re-encodes the chosen picture in the browser: decoded with its EXIF orientation
// applied, drawn on a canvas at most photo.TargetSide pixels long, encoded as JPEG with lower
// quality and then smaller sides until it passes the shared rules.
func (p *reviewPage) convert(ctx app.Context, kind string) {
	slot := p.photos[kind]
	if slot == nil || slot.file == nil || slot.busy {
		return
	}
	slot.busy = true
	file := slot.file
	ctx.Async(func() {
		start := time.Now()
		data, err := convertPhoto(file)
		took := time.Since(start)
		ctx.Dispatch(func(ctx app.Context) {
			slot.busy = false
			if err != nil {
				slot.err = "无法转换该图片，请重新拍摄后上传"
				return
			}
			slot.data, slot.err, slot.converted, slot.took = data, "", true, took
			slot.preview = "data:image/jpeg;base64," + base64.StdEncoding.EncodeToString(data)
			focus(ctx, "photo-"+kind+"-result")
		})
	})
}

func readFile(f app.Value) ([]byte, error) {
	buf, err := await(f.Call("arrayBuffer"))
	if err != nil {
		return nil, err
	}
	u8 := app.Window().Get("Uint8Array").New(buf)
	out := make([]byte, u8.Length())
	app.CopyBytesToGo(out, u8)
	return out, nil
}

func convertPhoto(file app.Value) ([]byte, error) {
	w := app.Window()
	bmp, err := await(w.Call("createImageBitmap", file, map[string]any{"imageOrientation": "from-image"}))
	if err != nil {
		return nil, err
	}
	defer bmp.Call("close")
	bw, bh := bmp.Get("width").Int(), bmp.Get("height").Int()
	if bw < photo.MinSide || bh < photo.MinSide {
		return nil, errcode.New(errcode.PhotoDimensions)
	}
	scale := 1.0
	if long := max(bw, bh); long > photo.TargetSide {
		scale = float64(photo.TargetSide) / float64(long)
	}
	q := 0.85
	// Each round that is still too large shrinks the area by about the excess (JPEG size follows
	// the pixel count) and lowers the quality a little, down to 0.6, below which text blurs: a
	// phone photo passes in two or three rounds.
	for range 8 {
		cw, ch := int(float64(bw)*scale), int(float64(bh)*scale)
		if cw < photo.MinSide || ch < photo.MinSide {
			break
		}
		data, err := encodeJPEG(bmp, cw, ch, q)
		if err != nil {
			return nil, err
		}
		_, err = photo.Check(data)
		if err == nil {
			return data, nil
		}
		if errcode.Of(err) != errcode.PhotoTooLarge {
			return nil, err
		}
		ratio := float64(photo.MaxBytes) * 0.9 / float64(len(data))
		scale *= min(max(math.Sqrt(ratio), 0.5), 0.95)
		q = max(q-0.05, 0.6)
	}
	return nil, errcode.New(errcode.PhotoTooLarge)
}

// encodeJPEG draws the bitmap at w×h on a white canvas (a transparent PNG must not turn black)
// and encodes it; an OffscreenCanvas hands the bytes over without a base64 detour.
func encodeJPEG(bmp app.Value, w, h int, q float64) ([]byte, error) {
	win := app.Window()
	if oc := win.Get("OffscreenCanvas"); oc.Truthy() {
		canvas := oc.New(w, h)
		draw(canvas, bmp, w, h)
		blob, err := await(canvas.Call("convertToBlob", map[string]any{"type": "image/jpeg", "quality": q}))
		if err != nil {
			return nil, err
		}
		return readFile(blob)
	}
	canvas := win.Get("document").Call("createElement", "canvas")
	canvas.Set("width", w)
	canvas.Set("height", h)
	draw(canvas, bmp, w, h)
	url := canvas.Call("toDataURL", "image/jpeg", q).String()
	return base64.StdEncoding.DecodeString(url[strings.IndexByte(url, ',')+1:])
}

func draw(canvas, bmp app.Value, w, h int) {
	c2 := canvas.Call("getContext", "2d")
	c2.Set("fillStyle", "#fff")
	c2.Call("fillRect", 0, 0, w, h)
	c2.Call("drawImage", bmp, 0, 0, w, h)
}

func (p *reviewPage) check() bool {
	p.errs = map[string]string{}
	for _, k := range photo.Kinds {
		s := p.photos[k]
		switch {
		case s.data == nil && s.err == "":
			p.errs["photo_"+k] = errcode.PhotoRequired.Message()
		case s.err != "":
			p.errs["photo_"+k] = s.err
		}
	}
	if strings.TrimSpace(p.reason) == "" {
		p.errs["reason"] = errcode.ReviewReasonRequired.Message()
	}
	return len(p.errs) == 0
}

func (p *reviewPage) submit(ctx app.Context, _ app.Event) {
	if p.busy {
		return
	}
	p.busy = true
	csrf := p.me.CSRFToken
	fields := map[string]string{api.ReviewFieldTerm: p.term, api.ReviewFieldFrom: p.from, api.ReviewFieldUntil: p.until, api.ReviewFieldReason: p.reason}
	files := map[string][]byte{}
	for k, s := range p.photos {
		files[api.ReviewPhotoPrefix+k] = s.data
	}
	ctx.Async(func() {
		var sum api.ReviewSummary
		err := postForm("/api/me/review", csrf, fields, files, &sum)
		ctx.Dispatch(func(ctx app.Context) {
			p.busy, p.confirm = false, false
			if err != nil {
				fe, form := fieldErrors(err)
				p.errs, p.formErr = fe, form
				focus(ctx, "review-form-error")
				return
			}
			p.submitted = true
			p.status.RealNameState = realNameReviewPending
			p.status.Latest = &sum
			p.status.Remaining--
			focus(ctx, "review-message")
		})
	})
}

// postForm sends fields and files as multipart/form-data, which the browser encodes.
func postForm(path, csrf string, fields map[string]string, files map[string][]byte, out any) error {
	w := app.Window()
	fd := w.Get("FormData").New()
	for k, v := range fields {
		fd.Call("append", k, v)
	}
	for k, data := range files {
		u8 := w.Get("Uint8Array").New(len(data))
		app.CopyBytesToJS(u8, data)
		blob := w.Get("Blob").New([]any{u8}, map[string]any{"type": "image/jpeg"})
		fd.Call("append", k, blob, k+".jpg")
	}
	res, err := await(w.Call("fetch", path, map[string]any{
		"method": "POST", "body": fd, "credentials": "same-origin", "cache": "no-store",
		"headers": map[string]any{"X-CSRF-Token": csrf, "Accept": "application/json"},
	}))
	if err != nil {
		return fmt.Errorf("%w: %v", errNetwork, err)
	}
	text, err := await(res.Call("text"))
	if err != nil {
		return fmt.Errorf("%w: %v", errNetwork, err)
	}
	return answer(res.Get("status").Int(), []byte(text.String()), out)
}

func (p *reviewPage) Render() app.UI {
	return frame("review", p.ready,
		app.H1().Text("中国教师资格网——人工审核"),
		app.If(p.loadErr != "", func() app.UI {
			return app.P().ID("review-error").Class("notice", "notice-error").Attr("role", "alert").Text(p.loadErr)
		}),
		app.If(p.status == nil && p.loadErr == "", func() app.UI { return app.P().Class("empty-note").Text("正在加载…") }),
		app.If(p.status != nil, p.renderBody),
		p.renderConfirm(),
	)
}

func (p *reviewPage) renderBody() app.UI {
	st := p.status
	var msg app.UI
	open := false
	switch {
	case st.RealNameState == realNameReviewPending:
		msg = app.P().ID("review-message").Class("notice", "notice-warn").Attr("role", "status").Attr("tabindex", "-1").Text(msgReviewPending)
	case st.RealNameState == realNameReviewApproved:
		msg = app.P().ID("review-message").Class("notice", "notice-ok").Attr("role", "status").Text(msgReviewApproved)
	case st.RealNameState == realNameVerified:
		msg = app.P().ID("review-message").Class("notice", "notice-ok").Attr("role", "status").Text(errcode.ReviewNotNeeded.Message())
	default:
		open = true
		if l := st.Latest; l != nil && l.State == "rejected" {
			msg = app.P().ID("review-message").Class("notice", "notice-error").Attr("role", "status").Text("人工审核未通过。原因：" + l.Reason)
		}
	}
	return app.Section().Class("card", "review-card").Attr("aria-label", "人工审核").Body(
		msg,
		app.Dl().Class("facts").Body(
			fact("证件类型", docTypeLabel(st.DocType), "rv-doc-type"),
			fact("证件号码", st.DocNumber, "rv-doc-number"),
			fact("姓名", st.Name, "rv-name"),
		),
		app.H2().Class("section-title").Text("操作说明："),
		app.Ol().Class("steps").Body(app.Range(reviewSteps).Slice(func(i int) app.UI { return app.Li().Text(reviewSteps[i]) })),
		app.If(open && st.Remaining == 0, func() app.UI {
			return app.P().ID("review-quota").Class("notice", "notice-error").Attr("role", "status").Text(errcode.ReviewQuota.Message())
		}),
		app.If(open && st.Remaining > 0, p.renderForm),
		app.Div().Class("actions").Body(app.A().ID("review-back").Class("btn", "btn-outline").Href(pathProfile).Text("返回")),
	)
}

func (p *reviewPage) renderForm() app.UI {
	return app.Form().ID("review-form").Attr("novalidate", true).OnSubmit(func(ctx app.Context, e app.Event) {
		e.PreventDefault()
		p.formErr = ""
		if !p.check() {
			for _, f := range []string{"photo_front", "photo_back", "photo_holding", "reason"} {
				if p.errs[f] != "" {
					focusFirstIn(ctx, "row-"+f)
					break
				}
			}
			return
		}
		p.confirm = true
		focus(ctx, "review-confirm")
	}).Body(
		app.FieldSet().Class("field", "field-group").Body(
			app.Legend().Class("field-label").Text("身份证有效时段："),
			app.Div().Class("radios").Body(app.Range(allTerms).Slice(func(i int) app.UI {
				t := allTerms[i]
				id := "rv-term-" + t
				return app.Label().Class("radio").For(id).Body(
					checkedIf(app.Input().Type("radio").ID(id).Name("rv_term").Value(t), p.term == t).
						OnChange(func(ctx app.Context, _ app.Event) { p.setTerm(t) }),
					app.Span().Text(termLabel(t)),
				)
			})),
		),
		fieldRow("rv-valid-from", "身份证有效开始日期", true, p.errs["valid_from"],
			app.Input().Type("date").ID("rv-valid-from").Value(p.from).
				OnChange(func(ctx app.Context, e app.Event) { p.from = ctx.JSSrc().Get("value").String(); p.setTerm(p.term) })),
		fieldRow("rv-valid-until", "身份证有效截止日期", p.term != api.TermLongTerm, p.errs["valid_until"],
			app.Input().Type("date").ID("rv-valid-until").Value(p.until).Disabled(p.term == api.TermLongTerm).
				OnChange(func(ctx app.Context, e app.Event) { p.until = ctx.JSSrc().Get("value").String() })),
		app.Range(photo.Kinds).Slice(func(i int) app.UI { return p.renderPhoto(photo.Kinds[i]) }),
		app.Div().Class("examples").Attr("role", "group").Attr("aria-label", "√ 正确示范").Body(
			app.P().Class("examples-title").Text("√ 正确示范"),
			app.Range(photo.Kinds).Slice(func(i int) app.UI {
				k := photo.Kinds[i]
				return app.Figure().Class("example").Body(
					app.Img().Src("/web/example-"+k+".svg").Alt(photoLabels[k]+"正确示范：证件完整、清晰、端正，无旋转、无镜像").Width(160).Height(100),
					app.FigCaption().Text(photoLabels[k]),
				)
			}),
		),
		fieldRow("rv-reason", "申请的缘由", true, p.errs["reason"],
			app.Textarea().ID("rv-reason").Attr("maxlength", 200).Attr("rows", 3).Text(p.reason).
				OnInput(func(ctx app.Context, e app.Event) { p.reason = ctx.JSSrc().Get("value").String() })),
		app.If(p.formErr != "", func() app.UI {
			return app.P().ID("review-form-error").Class("notice", "notice-error").Attr("role", "alert").Attr("tabindex", "-1").Text(p.formErr)
		}),
		app.Div().Class("actions").Body(
			disabledIf(app.Button().ID("review-submit").Type("submit").Class("btn", "btn-primary"), p.busy).Text("提交人工审核"),
		),
	)
}

// setTerm fills the end date a term implies, as 注册 does.
func (p *reviewPage) setTerm(t string) {
	p.term = t
	if t == api.TermLongTerm {
		p.until = ""
		return
	}
	if from, ok := document.ParseDate(p.from); ok {
		if end, ok := document.TermEnd(t, from); ok {
			p.until = document.FormatDate(end)
		}
	}
}

func (p *reviewPage) renderPhoto(kind string) app.UI {
	s := p.photos[kind]
	label := "上传" + photoLabels[kind]
	field := "photo_" + kind
	errMsg := p.errs[field]
	if errMsg == "" {
		errMsg = s.err
	}
	return app.Div().ID("row-"+field).Class("field", "photo-field").DataSet("field", field).Body(
		app.P().Class("field-label").ID(field+"-label").Body(app.Span().Class("req").Attr("aria-hidden", "true").Text("*"), app.Text(label+"：")),
		app.Div().Class("field-control").Body(
			app.Div().Class("photo-pickers").Body(
				app.Label().Class("btn", "btn-outline", "btn-small", "file-pick").For(field+"-file").Body(
					app.Text("选择文件"),
					app.Input().Type("file").ID(field+"-file").Class("sr-only").Accept("image/jpeg,image/png,image/*").
						Attr("aria-describedby", field+"-label "+field+"-error").
						OnChange(func(ctx app.Context, _ app.Event) { p.choose(ctx, kind, ctx.JSSrc()) }),
				),
				app.Label().Class("btn", "btn-outline", "btn-small", "file-pick").For(field+"-album").Body(
					app.Text("选择相册"),
					app.Input().Type("file").ID(field+"-album").Class("sr-only").Accept("image/*").
						Attr("aria-describedby", field+"-label "+field+"-error").
						OnChange(func(ctx app.Context, _ app.Event) { p.choose(ctx, kind, ctx.JSSrc()) }),
				),
			),
			// The same elements in every state: a go-app event's context ends with its element,
			// so a convert button that moved would never hear back from its conversion.
			app.P().Class("photo-file").Text(fileNote(s)),
			app.P().Class("hint").Attr("role", "status").Text(map[bool]string{true: "正在处理…"}[s.busy]),
			app.Div().Class("photo-error").Body(
				app.P().ID(field+"-error").Class("field-error").Attr("role", "alert").Text(errMsg),
				app.If(errMsg != "" && s.file != nil && !s.converted, func() app.UI {
					return app.Button().ID(field+"-convert").Type("button").Class("btn", "btn-small", "btn-primary").
						Text("在本机转换为小于190KB的JPG").OnClick(func(ctx app.Context, _ app.Event) { p.convert(ctx, kind) })
				}),
			),
			app.If(s.ok(), func() app.UI {
				note := "符合要求：JPG，" + kb(len(s.data))
				if s.converted {
					note = "已转换：JPG，" + kb(len(s.data)) + "，用时" + strconv.Itoa(int(s.took/time.Millisecond)) + "毫秒"
				}
				return app.Figure().Class("photo-preview").Body(
					app.Img().Src(s.preview).Alt(photoLabels[kind]+"预览").Width(160),
					app.FigCaption().ID("photo-"+kind+"-result").Attr("tabindex", "-1").DataSet("bytes", len(s.data)).
						DataSet("ms", int(s.took/time.Millisecond)).Text(note),
				)
			}),
		),
	)
}

func fileNote(s *photoSlot) string {
	if s.name == "" {
		return ""
	}
	return s.name + "（" + kb(s.size) + "）"
}

func kb(n int) string { return strconv.FormatFloat(float64(n)/1024, 'f', 1, 64) + "KB" }

// renderConfirm is the seed's confirm dialog before submission.
func (p *reviewPage) renderConfirm() app.UI {
	if !p.confirm || p.status == nil {
		return nil
	}
	closeDialog := func(ctx app.Context) {
		p.confirm = false
		focusNow("review-submit")
	}
	return dialog("review-dialog", "alertdialog", "review-dialog-title", closeDialog,
		app.Div().Class("dialog-body").Body(
			app.H2().ID("review-dialog-title").Text("人工审核"),
			app.P().Text(msgPhotoConfirm),
			app.P().ID("review-remaining").Text("1月1日到8月31日，9月1日到12月31日，每个周期您可以进行三次人工审核，您还剩"+strconv.Itoa(p.status.Remaining)+"次机会，是否确认提交？"),
		),
		app.Div().Class("dialog-actions").Body(
			disabledIf(app.Button().ID("review-confirm").Type("button").Class("btn", "btn-primary"), p.busy).
				Text(buttonText(p.busy, "确认提交", "正在提交…")).OnClick(p.submit),
			app.Button().ID("review-cancel").Type("button").Class("btn", "btn-outline").Text("返回检查").
				OnClick(func(ctx app.Context, _ app.Event) { closeDialog(ctx) }),
		),
	)
}
