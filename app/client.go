package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"jszg/shared/api"
	"jszg/shared/errcode"
)

// msgNetwork is shown when a request never got an answer: offline, server down, timeout.
const msgNetwork = "网络连接失败，请检查网络后重试"

// apiError is a non-2xx answer of the API: its body, whose message is already Chinese.
type apiError struct {
	Status int
	Body   api.ErrorResponse
}

func (e *apiError) Error() string { return e.Body.Message }

// errNetwork wraps transport failures so pages can tell "no answer" from "rejected".
var errNetwork = errors.New(msgNetwork)

// call sends in (when not nil) as JSON with method to path, a same-origin API path, and decodes
// a 2xx answer into out (when not nil). csrf, when set, goes in the X-CSRF-Token header every
// cookie-authenticated write needs. It blocks: pages call it inside ctx.Async and hand results
// back with ctx.Dispatch.
func call(method, path, csrf string, in, out any) error {
	headers := map[string]any{"Accept": "application/json"}
	var body []byte
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = b
		headers["Content-Type"] = "application/json"
	}
	if csrf != "" {
		headers["X-CSRF-Token"] = csrf
	}
	status, raw, err := fetch(method, path, headers, body)
	if err != nil {
		return fmt.Errorf("%w: %v", errNetwork, err)
	}
	return answer(status, raw, out)
}

// answer decodes a 2xx body into out (when not nil), or turns any other answer into *apiError.
func answer(status int, raw []byte, out any) error {
	if status >= 200 && status < 300 {
		if out == nil || len(raw) == 0 {
			return nil
		}
		if err := json.Unmarshal(raw, out); err != nil {
			return &apiError{Status: status, Body: api.ErrorResponse{
				Code: errcode.Internal, Message: errcode.Internal.Message()}}
		}
		return nil
	}
	e := &apiError{Status: status}
	if json.Unmarshal(raw, &e.Body) != nil || e.Body.Code == "" {
		e.Body.Code = codeForStatus(status)
	}
	if strings.TrimSpace(e.Body.Message) == "" {
		e.Body.Message = e.Body.Code.Message()
	}
	return e
}

// requestTimeout bounds a request, so a dead connection ends in a message, not a spinner.
const requestTimeout = 30 * time.Second

// fetch performs a request with the browser's fetch. It is used instead of net/http, whose
// js/wasm transport would pull TLS, X.509 and HTTP/2 code into the binary and double its size;
// fetch also sends the session cookie as any same-origin request does.
func fetch(method, path string, headers map[string]any, body []byte) (int, []byte, error) {
	opts := map[string]any{
		"method":      method,
		"headers":     headers,
		"credentials": "same-origin",
		"cache":       "no-store",
	}
	if body != nil {
		opts["body"] = string(body)
	}
	if signal := app.Window().Get("AbortSignal"); signal.Truthy() && signal.Get("timeout").Truthy() {
		opts["signal"] = signal.Call("timeout", int(requestTimeout/time.Millisecond))
	}
	res, err := await(app.Window().Call("fetch", path, opts))
	if err != nil {
		return 0, nil, err
	}
	text, err := await(res.Call("text"))
	if err != nil {
		return 0, nil, err
	}
	return res.Get("status").Int(), []byte(text.String()), nil
}

// await blocks the calling goroutine (never the UI one) until promise settles.
func await(promise app.Value) (app.Value, error) {
	type result struct {
		v   app.Value
		err error
	}
	done := make(chan result, 1)
	onOK := app.FuncOf(func(_ app.Value, args []app.Value) any {
		done <- result{v: args[0]}
		return nil
	})
	onErr := app.FuncOf(func(_ app.Value, args []app.Value) any {
		msg := "request failed"
		if len(args) > 0 && args[0].Truthy() {
			msg = args[0].Call("toString").String()
		}
		done <- result{err: errors.New(msg)}
		return nil
	})
	defer onOK.Release()
	defer onErr.Release()
	promise.Call("then", onOK, onErr)
	r := <-done
	return r.v, r.err
}

// codeForStatus names an answer that came without an error body (a proxy's page, say).
func codeForStatus(status int) errcode.Code {
	switch {
	case status == 401:
		return errcode.Unauthorized
	case status == 403:
		return errcode.Forbidden
	case status == 404:
		return errcode.NotFound
	case status == 429:
		return errcode.TooManyRequests
	case status == 413:
		return errcode.BodyTooLarge
	case status >= 500:
		return errcode.Unavailable
	}
	return errcode.BadRequest
}

// errorCode returns the API code of err, or "" for a network or other failure.
func errorCode(err error) errcode.Code {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae.Body.Code
	}
	return ""
}

// userMessage is what a page shows for err.
func userMessage(err error) string {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae.Body.Message
	}
	if errors.Is(err, errNetwork) {
		return msgNetwork
	}
	return errcode.Internal.Message()
}

// fieldErrors returns the field-level messages of err keyed by API field name; what is not tied
// to a field is returned as the form message.
func fieldErrors(err error) (fields map[string]string, form string) {
	fields = map[string]string{}
	var ae *apiError
	if !errors.As(err, &ae) {
		return fields, userMessage(err)
	}
	for _, f := range ae.Body.Fields {
		msg := f.Message
		if msg == "" {
			msg = f.Code.Message()
		}
		if _, dup := fields[f.Field]; !dup {
			fields[f.Field] = msg
		}
	}
	if ae.Body.Field != "" {
		if _, dup := fields[ae.Body.Field]; !dup {
			fields[ae.Body.Field] = ae.Body.Message
		}
	} else if len(ae.Body.Fields) == 0 {
		form = ae.Body.Message
	}
	return fields, form
}

// The API, one function per endpoint.

func fetchCaptcha() (*api.Captcha, error) {
	var c api.Captcha
	return &c, call("GET", "/api/captcha", "", nil, &c)
}

func solveCaptcha(id string, a api.CaptchaAnswer) (*api.CaptchaPass, error) {
	var p api.CaptchaPass
	return &p, call("POST", "/api/captcha/"+id, "", a, &p)
}

func sendCaptchaCode(phone string) (*api.SendCodeResponse, error) {
	var s api.SendCodeResponse
	return &s, call("POST", "/api/codes/captcha", "", api.CaptchaCodeRequest{Phone: phone}, &s)
}

func checkCaptchaCode(phone, code string) (*api.CaptchaPass, error) {
	var p api.CaptchaPass
	return &p, call("POST", "/api/codes/captcha/check", "", api.CaptchaCodeCheck{Phone: phone, Code: code}, &p)
}

func sendSMSCode(r api.SendCodeRequest) (*api.SendCodeResponse, error) {
	var s api.SendCodeResponse
	return &s, call("POST", "/api/codes/sms", "", r, &s)
}

func register(r *api.RegisterRequest) (*api.RegisterResponse, error) {
	var s api.RegisterResponse
	return &s, call("POST", "/api/register", "", r, &s)
}

func signIn(r api.SignInRequest) (*api.SignInResponse, error) {
	var s api.SignInResponse
	return &s, call("POST", "/api/session", "", r, &s)
}

func signOut(csrf string) error {
	return call("DELETE", "/api/session", csrf, nil, nil)
}

func fetchMe() (*api.Me, error) {
	var m api.Me
	return &m, call("GET", "/api/me", "", nil, &m)
}

// pathWeChatOAuth starts binding inside WeChat: a top-level navigation, which WeChat's silent
// authorization sends back to the personal centre.
const pathWeChatOAuth = "/api/me/wechat/oauth/start"

func createRegisterScene() (*api.WeChatScene, error) {
	var s api.WeChatScene
	return &s, call("POST", "/api/wechat/scenes", "", api.WeChatSceneRequest{Purpose: api.WeChatPurposeRegister}, &s)
}

func createBindScene(csrf string) (*api.WeChatScene, error) {
	var s api.WeChatScene
	return &s, call("POST", "/api/me/wechat/scene", csrf, struct{}{}, &s)
}

func fetchSceneStatus(scene string) (*api.WeChatSceneStatus, error) {
	var s api.WeChatSceneStatus
	return &s, call("GET", "/api/wechat/scenes/"+url.PathEscape(scene), "", nil, &s)
}

func fetchWeChatBinding() (*api.WeChatBinding, error) {
	var b api.WeChatBinding
	return &b, call("GET", "/api/me/wechat", "", nil, &b)
}

func unbindWeChat(csrf string) error {
	return call("DELETE", "/api/me/wechat", csrf, nil, nil)
}

// 忘记密码.

func startReset(r api.PasswordResetStart) (*api.PasswordResetFlow, error) {
	var f api.PasswordResetFlow
	return &f, call("POST", "/api/password-reset", "", r, &f)
}

func fetchResetMethods(flow string) (*api.PasswordResetMethods, error) {
	var m api.PasswordResetMethods
	return &m, call("POST", "/api/password-reset/methods", "", api.PasswordResetFlowRequest{Flow: flow}, &m)
}

// sendReset asks for the link or code of one way: email, sms or wechat/link.
func sendReset(way, flow string) (*api.PasswordResetSent, error) {
	var s api.PasswordResetSent
	return &s, call("POST", "/api/password-reset/"+way, "", api.PasswordResetFlowRequest{Flow: flow}, &s)
}

func confirmResetSMS(r api.PasswordResetSMSConfirm) error {
	return call("POST", "/api/password-reset/sms/confirm", "", r, nil)
}

func createResetScene(flow string) (*api.WeChatScene, error) {
	var s api.WeChatScene
	return &s, call("POST", "/api/password-reset/wechat/scene", "", api.PasswordResetFlowRequest{Flow: flow}, &s)
}

func confirmResetWeChat(r api.PasswordResetWeChatConfirm) error {
	return call("POST", "/api/password-reset/wechat/confirm", "", r, nil)
}

func checkResetLink(token string) (*api.PasswordResetLink, error) {
	var l api.PasswordResetLink
	return &l, call("GET", "/api/password-reset/link?token="+url.QueryEscape(token), "", nil, &l)
}

func confirmResetLink(r api.PasswordResetLinkConfirm) error {
	return call("POST", "/api/password-reset/link/confirm", "", r, nil)
}

// 个人信息中心's changes.

func changePassword(csrf string, r api.ChangePasswordRequest) error {
	return call("PUT", "/api/me/password", csrf, r, nil)
}

func sendPhoneCode(csrf, phone string) (*api.SendCodeResponse, error) {
	var s api.SendCodeResponse
	return &s, call("POST", "/api/me/phone/code", csrf, api.PhoneCodeRequest{Phone: phone}, &s)
}

func changePhone(csrf string, r api.ChangePhoneRequest) (*api.Me, error) {
	var m api.Me
	return &m, call("PUT", "/api/me/phone", csrf, r, &m)
}

func updateIdentity(csrf string, r api.IdentityUpdate) (*api.IdentityUpdateResult, error) {
	var res api.IdentityUpdateResult
	return &res, call("PUT", "/api/me/identity", csrf, r, &res)
}

// 教育部账号登录.

// pathMoEStart starts 教育部账号登录: a top-level navigation to the platform and back.
const pathMoEStart = "/api/moe/start"

func fetchMoEPending() (*api.MoEPending, error) {
	var p api.MoEPending
	return &p, call("GET", "/api/moe/pending", "", nil, &p)
}
