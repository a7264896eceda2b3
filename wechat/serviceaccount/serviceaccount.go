// Package serviceaccount adapts silenceper/wechat's official-account client to the account
// centre's service account (服务号): temporary QR tickets, template messages, snsapi_base OAuth
// and follower look-ups. It exists because the SDK is unsafe as it comes: its lazy getters race
// on first concurrent use (so every one is made here, at start-up), its HTTP client has no
// timeout and is a process-wide variable (so one client with timeouts is installed once, and a
// host-rewriting transport sends every WeChat host to APIBase when a stand-in is used), its
// logger prints request bodies with openids at debug level on stdout (so it is silenced), and its
// errors carry request URLs with the access token or AppSecret (so they are redacted here).
// Access tokens are not fetched by the SDK: the caller plugs in a shared source (UseAccessTokens).
package serviceaccount

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sirupsen/logrus"

	wechatsdk "github.com/silenceper/wechat/v2"
	"github.com/silenceper/wechat/v2/credential"
	"github.com/silenceper/wechat/v2/officialaccount"
	"github.com/silenceper/wechat/v2/officialaccount/basic"
	oaconfig "github.com/silenceper/wechat/v2/officialaccount/config"
	"github.com/silenceper/wechat/v2/officialaccount/message"
	"github.com/silenceper/wechat/v2/officialaccount/oauth"
	"github.com/silenceper/wechat/v2/officialaccount/user"
)

// Config is what the WeChat platform gives a service account, plus where its API is.
type Config struct {
	AppID          string
	AppSecret      string
	Token          string // the message endpoint's signing token
	EncodingAESKey string // 43 characters; empty when the endpoint runs in plain mode
	// APIBase replaces https://api.weixin.qq.com (and open.weixin.qq.com, mp.weixin.qq.com) for
	// the local stand-in, e.g. http://127.0.0.1:39123. Empty: WeChat itself.
	APIBase string
}

// TokenSource hands out the access token; Invalidate is called when WeChat rejects one.
type TokenSource interface {
	credential.AccessTokenContextHandle
	Invalidate(ctx context.Context, token string)
}

// Client calls the WeChat API for one service account. Safe for concurrent use once
// UseAccessTokens has been called.
type Client struct {
	cfg    Config
	oa     *officialaccount.OfficialAccount
	basic  *basic.Basic
	tpl    *message.Template
	oauth  *oauth.Oauth
	user   *user.User
	tokens TokenSource
}

// Timeouts of every call to WeChat: the platform answers in well under a second; a call that
// hangs must not hold a page (or a template retry loop) for long.
const (
	dialTimeout   = 3 * time.Second
	headerTimeout = 5 * time.Second
	callTimeout   = 6 * time.Second
)

// New makes the client and every SDK component it uses.
func New(cfg Config) (*Client, error) {
	if cfg.AppID == "" || cfg.AppSecret == "" {
		return nil, errors.New("wechat: AppID and AppSecret are required")
	}
	if err := install(cfg.APIBase); err != nil {
		return nil, err
	}
	oa := wechatsdk.NewWechat().GetOfficialAccount(&oaconfig.Config{
		AppID:          cfg.AppID,
		AppSecret:      cfg.AppSecret,
		Token:          cfg.Token,
		EncodingAESKey: cfg.EncodingAESKey,
		// The SDK insists on a cache for its own token fetching, which is replaced; this one
		// keeps nothing, so no token lives in process memory.
		Cache: noCache{},
	})
	return &Client{
		cfg:   cfg,
		oa:    oa,
		basic: oa.GetBasic(),
		tpl:   oa.GetTemplate(),
		oauth: oa.GetOauth(),
		user:  oa.GetUser(),
	}, nil
}

// UseAccessTokens plugs in the shared token source. Call it once, at start-up, before any call.
func (c *Client) UseAccessTokens(src TokenSource) {
	c.tokens = src
	c.oa.SetAccessTokenHandle(src)
}

// Config returns the configuration the client was made with.
func (c *Client) Config() Config { return c.cfg }

// FetchAccessToken asks WeChat for a new access token (cgi-bin/token). Only the shared token
// source calls it, under its lease.
func (c *Client) FetchAccessToken(ctx context.Context) (string, time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	u := "https://api.weixin.qq.com/cgi-bin/token?grant_type=client_credential&appid=" +
		url.QueryEscape(c.cfg.AppID) + "&secret=" + url.QueryEscape(c.cfg.AppSecret)
	res, err := credential.GetTokenFromServerContext(ctx, u)
	if err != nil {
		return "", 0, wrap("token", err)
	}
	if res.AccessToken == "" || res.ExpiresIn <= 0 {
		return "", 0, &APIError{Op: "token", Msg: "empty access token"}
	}
	return res.AccessToken, time.Duration(res.ExpiresIn) * time.Second, nil
}

// Ticket is a temporary QR code: its content (URL) is what the phone scans.
type Ticket struct {
	Ticket    string
	URL       string
	ExpiresIn time.Duration
}

// QRTicket creates a temporary QR code with a string scene (QR_STR_SCENE). The SDK's builder
// panics on an int64 scene, so only strings ever reach it.
func (c *Client) QRTicket(ctx context.Context, scene string, ttl time.Duration) (*Ticket, error) {
	var t *basic.Ticket
	err := c.call(ctx, "qrcode/create", func() (err error) {
		t, err = c.basic.GetQRTicket(basic.NewTmpQrRequest(ttl, scene))
		return err
	})
	if err != nil {
		return nil, err
	}
	if t.Ticket == "" || t.URL == "" {
		return nil, &APIError{Op: "qrcode/create", Msg: "empty ticket"}
	}
	return &Ticket{Ticket: t.Ticket, URL: t.URL, ExpiresIn: time.Duration(t.ExpireSeconds) * time.Second}, nil
}

// SendTemplate sends a template message to a follower and returns WeChat's message id.
func (c *Client) SendTemplate(ctx context.Context, openid, templateID, link string, data map[string]string) (int64, error) {
	msg := &message.TemplateMessage{ToUser: openid, TemplateID: templateID, URL: link, Data: map[string]*message.TemplateDataItem{}}
	for k, v := range data {
		msg.Data[k] = &message.TemplateDataItem{Value: v}
	}
	var id int64
	err := c.call(ctx, "message/template/send", func() (err error) {
		id, err = c.tpl.Send(msg)
		return err
	})
	return id, err
}

// AuthorizeURL is where to send the browser for silent snsapi_base authorization; WeChat
// comes back to redirectURI with ?code=…&state=….
func (c *Client) AuthorizeURL(redirectURI, state string) string {
	u, _ := c.oauth.GetRedirectURL(redirectURI, "snsapi_base", url.QueryEscape(state))
	return rewriteString(u)
}

// OpenIDByCode exchanges an OAuth code (sns/oauth2/access_token) for the user's openid.
func (c *Client) OpenIDByCode(ctx context.Context, code string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	res, err := c.oauth.GetUserAccessTokenContext(ctx, url.QueryEscape(code))
	if err != nil {
		return "", wrap("sns/oauth2/access_token", err)
	}
	if res.OpenID == "" {
		return "", &APIError{Op: "sns/oauth2/access_token", Msg: "no openid"}
	}
	return res.OpenID, nil
}

// Follows reports whether openid follows the service account (cgi-bin/user/info).
func (c *Client) Follows(ctx context.Context, openid string) (bool, error) {
	var info *user.Info
	err := c.call(ctx, "user/info", func() (err error) {
		info, err = c.user.GetUserInfo(url.QueryEscape(openid))
		return err
	})
	if err != nil {
		return false, err
	}
	return info.Subscribe == 1, nil
}

// call runs one SDK call and, when WeChat says the access token is no longer valid (another
// party fetched a new one, or it was revoked), marks it stale and tries once more.
func (c *Client) call(ctx context.Context, op string, f func() error) error {
	if c.tokens == nil {
		return &APIError{Op: op, Msg: "no access token source"}
	}
	for try := 0; ; try++ {
		tok, err := c.tokens.GetAccessTokenContext(ctx)
		if err != nil {
			return fmt.Errorf("wechat %s: access token: %w", op, err)
		}
		err = f()
		if err == nil {
			return nil
		}
		e := wrap(op, err)
		if try == 0 && IsTokenRejected(e) {
			c.tokens.Invalidate(ctx, tok)
			continue
		}
		return e
	}
}

// APIError is a failed WeChat call, without the URL (which carries secrets).
type APIError struct {
	Op   string
	Code int // WeChat's errcode; 0 when the call failed before WeChat answered
	Msg  string
}

func (e *APIError) Error() string {
	if e.Code != 0 {
		return fmt.Sprintf("wechat %s: errcode %d: %s", e.Op, e.Code, e.Msg)
	}
	return fmt.Sprintf("wechat %s: %s", e.Op, e.Msg)
}

// WeChatCode returns WeChat's errcode (0 when there was none).
func (e *APIError) WeChatCode() int { return e.Code }

// Retryable reports whether the same call may succeed soon: the transport failed, WeChat was
// busy (-1), or the token was rejected (a new one will be fetched).
func (e *APIError) Retryable() bool {
	switch e.Code {
	case 0, -1, 40001, 40014, 42001:
		return true
	}
	return false
}

// Errcodes of WeChat the account centre acts on.
const (
	CodeBusy            = -1
	CodeInvalidToken    = 40001
	CodeInvalidOpenID   = 40003
	CodeTokenMalformed  = 40014
	CodeTokenExpired    = 42001
	CodeRequireFollower = 43004
)

// IsTokenRejected reports whether WeChat refused the access token.
func IsTokenRejected(err error) bool {
	switch Code(err) {
	case CodeInvalidToken, CodeTokenMalformed, CodeTokenExpired:
		return true
	}
	return false
}

// Code returns WeChat's errcode carried by err, or 0.
func Code(err error) int {
	var e *APIError
	if errors.As(err, &e) {
		return e.Code
	}
	return 0
}

var (
	errcodeRe = regexp.MustCompile(`errcode\s*=\s*(-?\d+)`)
	secretRe  = regexp.MustCompile(`\b(access_token|secret|code)=[^&\s"]*`)
)

// wrap turns an SDK error into an APIError: the SDK only formats errcodes into strings, and
// puts whole request URLs (token, AppSecret) into transport errors.
func wrap(op string, err error) error {
	var e *APIError
	if errors.As(err, &e) {
		return e
	}
	msg := secretRe.ReplaceAllString(err.Error(), "$1=***")
	out := &APIError{Op: op, Msg: msg}
	if m := errcodeRe.FindStringSubmatch(msg); m != nil {
		out.Code, _ = strconv.Atoi(m[1])
		if out.Code == 0 {
			out.Code = CodeBusy
		}
	}
	return out
}

// noCache is a cache.Cache that keeps nothing.
type noCache struct{}

func (noCache) Get(string) interface{}                       { return nil }
func (noCache) Set(string, interface{}, time.Duration) error { return nil }
func (noCache) IsExist(string) bool                          { return false }
func (noCache) Delete(string) error                          { return nil }

// The SDK's HTTP client is one variable for the whole process, so the transport is installed
// once and the API base is a process-wide setting: the first client decides it, and a later
// client asking for another base is refused rather than silently sent elsewhere.
var (
	installOnce sync.Once
	baseMu      sync.Mutex
	baseSet     bool
	baseURL     atomic.Pointer[url.URL]
)

func install(base string) error {
	var u *url.URL
	if base != "" {
		var err error
		u, err = url.Parse(strings.TrimSuffix(base, "/"))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("wechat: API base %q is not an http(s) URL", base)
		}
	}
	baseMu.Lock()
	defer baseMu.Unlock()
	if baseSet {
		cur := baseURL.Load()
		if (cur == nil) != (u == nil) || (cur != nil && cur.String() != u.String()) {
			return fmt.Errorf("wechat: this process already calls WeChat at %v; one API base per process", cur)
		}
		return nil
	}
	baseSet = true
	baseURL.Store(u)
	installOnce.Do(func() {
		transport := &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           (&net.Dialer{Timeout: dialTimeout, KeepAlive: 30 * time.Second}).DialContext,
			TLSHandshakeTimeout:   dialTimeout,
			ResponseHeaderTimeout: headerTimeout,
			MaxIdleConnsPerHost:   32,
			IdleConnTimeout:       90 * time.Second,
			ForceAttemptHTTP2:     true,
		}
		wechatsdk.NewWechat().SetHTTPClient(&http.Client{Transport: rewriter{next: transport}, Timeout: callTimeout})
		// The SDK's init sets logrus to debug on stdout; its debug lines hold raw messages.
		logrus.SetOutput(io.Discard)
		logrus.SetLevel(logrus.ErrorLevel)
	})
	return nil
}

var weChatHosts = map[string]bool{
	"api.weixin.qq.com":  true,
	"api2.weixin.qq.com": true,
	"open.weixin.qq.com": true,
	"mp.weixin.qq.com":   true,
}

// rewriter sends requests for WeChat's hosts to the configured API base.
type rewriter struct{ next http.RoundTripper }

func (r rewriter) RoundTrip(req *http.Request) (*http.Response, error) {
	if b := baseURL.Load(); b != nil && weChatHosts[req.URL.Host] {
		req = req.Clone(req.Context())
		rewrite(req.URL, b)
		req.Host = ""
	}
	return r.next.RoundTrip(req)
}

func rewrite(u, base *url.URL) {
	u.Scheme = base.Scheme
	u.Host = base.Host
	u.Path = base.Path + u.Path
	if u.RawPath != "" {
		u.RawPath = base.Path + u.RawPath
	}
}

// rewriteString applies the API base to a URL meant for the browser (the OAuth page).
func rewriteString(s string) string {
	b := baseURL.Load()
	if b == nil {
		return s
	}
	u, err := url.Parse(s)
	if err != nil || !weChatHosts[u.Host] {
		return s
	}
	rewrite(u, b)
	return u.String()
}
