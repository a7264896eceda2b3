package moelogin

import (
	"encoding/json"
	"html/template"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/golang-jwt/jwt/v5"
	"github.com/oauth2-proxy/mockoidc"
)

// StandIn is the local stand-in of the MoE platform: a real OpenID Connect provider in process
// (github.com/oauth2-proxy/mockoidc: discovery, JWKS, signed ID tokens, PKCE), with a sign-in
// page of its own at DevPath where a developer (or a browser test) types the identity it
// asserts. The client is configured with the provider's own discovery; only its authorization
// URL points at the sign-in page, which hands on to the provider's.
type StandIn struct {
	OIDC *mockoidc.MockOIDC
	// DocNumberClaim and NameClaim are the claims the tokens carry.
	DocNumberClaim, NameClaim string
}

// DevPath is the stand-in's sign-in page.
const DevPath = "/dev/moe/authorize"

// StartStandIn starts the provider on a loopback port.
func StartStandIn(docNumberClaim, nameClaim string) (*StandIn, error) {
	m, err := mockoidc.Run()
	if err != nil {
		return nil, err
	}
	if docNumberClaim == "" {
		docNumberClaim = "id_number"
	}
	if nameClaim == "" {
		nameClaim = "name"
	}
	return &StandIn{OIDC: m, DocNumberClaim: docNumberClaim, NameClaim: nameClaim}, nil
}

// Config is the client configuration for this stand-in; authURL is the sign-in page's URL.
func (s *StandIn) Config(authURL string) Config {
	c := s.OIDC.Config()
	return Config{Issuer: c.Issuer, ClientID: c.ClientID, ClientSecret: c.ClientSecret,
		DocNumberClaim: s.DocNumberClaim, NameClaim: s.NameClaim, AuthURL: authURL}
}

// Close stops the provider.
func (s *StandIn) Close() error { return s.OIDC.Shutdown() }

// Person is an identity the stand-in asserts.
type Person struct {
	Subject, DocNumber, Name string
	docClaim, nameClaim      string
}

// ID implements mockoidc.User.
func (p *Person) ID() string { return p.Subject }

// Userinfo implements mockoidc.User.
func (p *Person) Userinfo([]string) ([]byte, error) {
	return json.Marshal(map[string]string{"sub": p.Subject, p.docClaim: p.DocNumber, p.nameClaim: p.Name})
}

// Claims implements mockoidc.User: the provider's registered claims and nonce, and the identity.
func (p *Person) Claims(_ []string, base *mockoidc.IDTokenClaims) (jwt.Claims, error) {
	b, err := json.Marshal(base)
	if err != nil {
		return nil, err
	}
	m := jwt.MapClaims{}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	m["sub"] = p.Subject
	m[p.docClaim] = p.DocNumber
	m[p.nameClaim] = p.Name
	return m, nil
}

// Assert makes the next authorization sign in as this person.
func (s *StandIn) Assert(subject, docNumber, name string) {
	s.OIDC.QueueUser(&Person{Subject: subject, DocNumber: docNumber, Name: name, docClaim: s.DocNumberClaim, nameClaim: s.NameClaim})
}

var signInPage = template.Must(template.New("moe").Parse(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>教育部统一身份认证（本地替身）</title>
<style>body{font:16px/1.6 system-ui,sans-serif;margin:0;color:#1a1a1a;background:#f4f6f9}main{max-width:28rem;margin:2rem auto;background:#fff;padding:1.5rem;border-radius:8px}
label{display:block;margin-top:1rem;font-weight:600}input{width:100%;box-sizing:border-box;font-size:1rem;padding:.6rem;border:1px solid #767676;border-radius:4px}
button{margin-top:1.5rem;width:100%;font-size:1rem;padding:.75rem;background:#0b5cad;color:#fff;border:0;border-radius:4px}p.note{color:#444;font-size:.9rem}</style></head>
<body><main><h1>教育部统一身份认证平台</h1>
<p class="note">本地替身的登录页（仅在未配置真实平台时存在）：填写要模拟的身份，提交后平台签发 ID 令牌并返回中国教师资格网。</p>
<form method="post" action="{{.Action}}">
{{range $k, $v := .Query}}{{range $v}}<input type="hidden" name="{{$k}}" value="{{.}}">{{end}}{{end}}
<label for="doc_number">身份证件号码</label><input id="doc_number" name="moe_doc_number" autocomplete="off" required>
<label for="name">姓名</label><input id="name" name="moe_name" autocomplete="off">
<label for="subject">平台用户标识（可不填）</label><input id="subject" name="moe_subject" autocomplete="off">
<button id="moe-submit" type="submit">登录</button></form></main></body></html>`))

// MountDevPage serves the sign-in page: GET shows the form with the authorization request
// carried along, POST queues the identity and continues to the provider's authorization endpoint.
func (s *StandIn) MountDevPage(r fiber.Router) {
	r.Get(DevPath, func(c *fiber.Ctx) error {
		q, err := url.ParseQuery(string(c.Request().URI().QueryString()))
		if err != nil {
			return fiber.ErrBadRequest
		}
		c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
		c.Set(fiber.HeaderCacheControl, "no-store")
		// This developer page posts to itself and is redirected on to the stand-in provider's
		// own port, which form-action must allow (CSP checks a form's redirects too); its few
		// styles are inline. Only the stand-ins serve it, to loopback clients.
		provider := ""
		if u, err := url.Parse(s.OIDC.AuthorizationEndpoint()); err == nil {
			provider = " " + u.Scheme + "://" + u.Host
		}
		c.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'"+provider+"; frame-ancestors 'none'")
		return signInPage.Execute(c.Response().BodyWriter(), map[string]any{"Action": DevPath, "Query": q})
	})
	r.Post(DevPath, func(c *fiber.Ctx) error {
		form, err := url.ParseQuery(string(c.Body()))
		if err != nil {
			return fiber.ErrBadRequest
		}
		number := strings.TrimSpace(form.Get("moe_doc_number"))
		subject := strings.TrimSpace(form.Get("moe_subject"))
		if subject == "" {
			subject = "moe-" + number
		}
		s.Assert(subject, number, strings.TrimSpace(form.Get("moe_name")))
		q := url.Values{}
		for k, v := range form {
			if !strings.HasPrefix(k, "moe_") {
				q[k] = v
			}
		}
		return c.Redirect(s.OIDC.AuthorizationEndpoint()+"?"+q.Encode(), fiber.StatusSeeOther)
	})
}
