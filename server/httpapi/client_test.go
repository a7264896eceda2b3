package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"testing"

	"jszg/server/testenv"
	"jszg/shared/api"
	"jszg/shared/document"
)

// client is a browser-like API client: it keeps cookies and the CSRF token.
type client struct {
	t    testing.TB
	env  *testenv.Env
	http *http.Client
	csrf string
	// header is added to every request (a client behind a proxy, spoofed headers).
	header http.Header
}

func newClient(t testing.TB, env *testenv.Env) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, env: env, http: &http.Client{Jar: jar}}
}

// do sends a JSON request and decodes a JSON answer into out (when non-nil and 2xx) and returns
// the status and, for errors, the error body.
func (c *client) do(method, path string, in, out any) (int, *api.ErrorResponse) {
	c.t.Helper()
	var body io.Reader
	if in != nil {
		b, _ := json.Marshal(in)
		body = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.env.URL+path, body)
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.csrf != "" {
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	for k, v := range c.header {
		req.Header[k] = v
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		var e api.ErrorResponse
		if err := json.Unmarshal(raw, &e); err != nil {
			c.t.Fatalf("%s %s: %d with a body that is not an error response: %s", method, path, resp.StatusCode, raw)
		}
		if e.Code == "" || e.Message == "" {
			c.t.Fatalf("%s %s: error without code or message: %s", method, path, raw)
		}
		return resp.StatusCode, &e
	}
	if out != nil && len(raw) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			c.t.Fatalf("%s %s: decode: %v: %s", method, path, err, raw)
		}
	}
	return resp.StatusCode, nil
}

// captcha solves a slide puzzle the way a person drags: easing in and out over 900 ms.
func (c *client) captcha() string {
	c.t.Helper()
	var p api.Captcha
	if st, e := c.do("GET", "/api/captcha", nil, &p); e != nil {
		c.t.Fatalf("captcha: %d %+v", st, e)
	}
	x, err := c.env.CaptchaX(context.Background(), p.ID)
	if err != nil {
		c.t.Fatal(err)
	}
	var pass api.CaptchaPass
	if st, e := c.do("POST", "/api/captcha/"+p.ID, api.CaptchaAnswer{X: x, DurationMS: 900, Track: humanTrack(x)}, &pass); e != nil {
		c.t.Fatalf("solve captcha: %d %+v", st, e)
	}
	return pass.Pass
}

func humanTrack(x int) []int {
	var tr []int
	for i := 0; i <= 30; i++ {
		f := float64(i) / 30
		ease := f * f * (3 - 2*f) // smoothstep: slow, fast, slow
		tr = append(tr, int(ease*float64(x)+0.5))
	}
	return tr
}

// idNumber makes a valid mainland ID number born on the given date with a sequence number.
func idNumber(birth string, seq int) string {
	body := fmt.Sprintf("110101%s%03d", birth, seq%1000)
	ch, _ := document.ChecksumChar(body)
	return body + string(ch)
}

// registration is a complete, valid 注册 form for a person born in 1990.
func registration(seq int, phone string) api.RegisterRequest {
	return api.RegisterRequest{
		DocType:         api.DocIDCard,
		DocNumber:       idNumber("19900515", seq),
		Name:            "买买提·艾力",
		ValidityTerm:    api.Term20Years,
		ValidFrom:       "2020-01-01",
		ValidUntil:      "2040-01-01",
		Password:        "Teach3r-Qual!ty",
		PasswordConfirm: "Teach3r-Qual!ty",
		Email:           "applicant@example.com",
		Phone:           phone,
		CodeSource:      api.CodeBySMS,
		Agreed:          true,
	}
}

// smsCode asks for a registration code and reads it from the developer outbox.
func (c *client) smsCode(phone string) string {
	c.t.Helper()
	var r api.SendCodeResponse
	if st, e := c.do("POST", "/api/codes/sms", api.SendCodeRequest{Phone: phone, Purpose: api.PurposeRegister, Captcha: c.captcha()}, &r); e != nil {
		c.t.Fatalf("send code: %d %+v", st, e)
	}
	msgs, err := c.env.Outbox(phone)
	if err != nil || len(msgs) == 0 {
		c.t.Fatalf("outbox for %s: %v %v", phone, msgs, err)
	}
	return msgs[0].Code
}

// register walks the whole registration: captcha, code, form.
func (c *client) register(req api.RegisterRequest) (int, *api.ErrorResponse) {
	c.t.Helper()
	req.Code = c.smsCode(req.Phone)
	req.Captcha = c.captcha()
	return c.do("POST", "/api/register", req, nil)
}

func (c *client) signIn(number, password string) (int, *api.ErrorResponse) {
	c.t.Helper()
	var r api.SignInResponse
	st, e := c.do("POST", "/api/session", api.SignInRequest{DocNumber: number, Password: password, Captcha: c.captcha()}, &r)
	if e == nil {
		c.csrf = r.CSRFToken
	}
	return st, e
}
