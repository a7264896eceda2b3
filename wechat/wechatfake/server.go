// Package wechatfake is the local stand-in for WeChat, used by the one-command local run and by
// tests: an HTTP server that speaks the real API paths and JSON of the service-account platform
// (cgi-bin/token, cgi-bin/qrcode/create, cgi-bin/message/template/send, cgi-bin/user/info,
// sns/oauth2/access_token, sns/userinfo, and the OAuth authorize page), so that the account
// centre's real adapter is what runs against it; and a "phone" that scans QR codes and follows or
// unfollows, building each event's XML, signing it (and encrypting it in safe mode) exactly as
// WeChat does and posting it to the account's callback URL. Several service accounts (apps) can
// live on one stand-in, keyed by AppID like the real platform, which lets a whole test binary or
// server process share one. Time comes from each app's Now, so a test's fake clock drives token
// and ticket expiry. Nothing here is secure or meant for production traffic.
package wechatfake

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Server is a running stand-in.
type Server struct {
	// URL is the base to give the adapter as its API base, e.g. http://127.0.0.1:41234.
	URL string

	ln  net.Listener
	srv *http.Server

	mu         sync.Mutex
	apps       map[string]*App
	tokens     map[string]*appToken
	userTokens map[string]*userToken
	codes      map[string]*oauthCode
	tickets    map[string]*ticket // by the short id in the ticket's URL
	msgID      int64
}

type appToken struct {
	app     *App
	expires time.Time
}

type userToken struct {
	app           *App
	openid, scope string
	expires       time.Time
}

type oauthCode struct {
	app           *App
	openid, scope string
	expires       time.Time
	used          bool
}

type ticket struct {
	app     *App
	id      string
	ticket  string
	scene   string
	created time.Time
	expires time.Time // zero for a permanent code
}

// Start runs a stand-in on a free loopback port.
func Start() (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("wechat stand-in: %w", err)
	}
	s := &Server{
		URL:        "http://" + ln.Addr().String(),
		ln:         ln,
		apps:       map[string]*App{},
		tokens:     map[string]*appToken{},
		userTokens: map[string]*userToken{},
		codes:      map[string]*oauthCode{},
		tickets:    map[string]*ticket{},
		msgID:      1000,
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /cgi-bin/token", s.token)
	mux.HandleFunc("POST /cgi-bin/qrcode/create", s.qrcodeCreate)
	mux.HandleFunc("POST /cgi-bin/message/template/send", s.templateSend)
	mux.HandleFunc("GET /cgi-bin/user/info", s.userInfo)
	mux.HandleFunc("GET /sns/oauth2/access_token", s.snsAccessToken)
	mux.HandleFunc("GET /sns/userinfo", s.snsUserInfo)
	mux.HandleFunc("GET /connect/oauth2/authorize", s.authorize)
	mux.HandleFunc("GET /q/{id}", s.qrPage)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, apiError{48001, "api unauthorized"})
	})
	s.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

// Close stops the stand-in.
func (s *Server) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = s.srv.Shutdown(ctx)
}

var (
	defaultOnce sync.Once
	defaultSrv  *Server
	defaultErr  error
)

// Default returns the process's shared stand-in, started on first use and never stopped. The
// WeChat adapter's API base is process-wide, so every service account in one process that uses
// a stand-in uses this one.
func Default() (*Server, error) {
	defaultOnce.Do(func() { defaultSrv, defaultErr = Start() })
	return defaultSrv, defaultErr
}

// AppConfig is a service account registered on the stand-in.
type AppConfig struct {
	AppID          string
	Secret         string
	Token          string // the message endpoint's signing token
	EncodingAESKey string // empty: pushes in plain mode; else safe mode (encrypt_type=aes)
	// OriginalID is the account's gh_ id, the ToUserName of pushes.
	OriginalID string
	// CallbackURL receives the pushes (the account centre's /wechat/callback).
	CallbackURL string
	// Now is the stand-in's clock for this app (default time.Now).
	Now func() time.Time
	// TokenTTL is the access token lifetime (default 7200 s, like WeChat).
	TokenTTL time.Duration
}

// NewAppConfig returns an app with fresh random credentials, in safe mode.
func NewAppConfig() AppConfig {
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	return AppConfig{
		AppID:          "wx" + randHex(8),
		Secret:         randHex(16),
		Token:          randHex(16),
		EncodingAESKey: strings.TrimRight(base64.StdEncoding.EncodeToString(key), "="),
		OriginalID:     "gh_" + randHex(6),
	}
}

// AddApp registers a service account.
func (s *Server) AddApp(cfg AppConfig) *App {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.TokenTTL == 0 {
		cfg.TokenTTL = 7200 * time.Second
	}
	if cfg.OriginalID == "" {
		cfg.OriginalID = "gh_" + randHex(6)
	}
	a := &App{s: s, cfg: cfg, callback: cfg.CallbackURL, followers: map[string]bool{}, chats: map[string][]ChatLine{},
		// WeChat gives up on a push after 5 seconds; it keeps connections to a busy server open.
		client: &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64, IdleConnTimeout: time.Minute}}}
	s.mu.Lock()
	s.apps[cfg.AppID] = a
	s.mu.Unlock()
	return a
}

// App returns a registered service account, or nil.
func (s *Server) App(appID string) *App {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.apps[appID]
}

// apiError is WeChat's error body.
type apiError struct {
	ErrCode int    `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
}

var (
	errInvalidToken = apiError{40001, "invalid credential, access_token is invalid or not latest"}
	errTokenExpired = apiError{42001, "access_token expired"}
)

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(v)
}

// appOf checks an access token; on failure it has written WeChat's error.
func (s *Server) appOf(w http.ResponseWriter, r *http.Request) *App {
	tok := r.URL.Query().Get("access_token")
	s.mu.Lock()
	t := s.tokens[tok]
	s.mu.Unlock()
	if t == nil {
		writeJSON(w, errInvalidToken)
		return nil
	}
	if !t.app.now().Before(t.expires) {
		writeJSON(w, errTokenExpired)
		return nil
	}
	return t.app
}

func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("grant_type") != "client_credential" {
		writeJSON(w, apiError{40002, "invalid grant_type"})
		return
	}
	a := s.App(q.Get("appid"))
	if a == nil {
		writeJSON(w, apiError{40013, "invalid appid"})
		return
	}
	a.mu.Lock()
	a.tokenRequests++
	a.mu.Unlock()
	if q.Get("secret") != a.cfg.Secret {
		writeJSON(w, apiError{40125, "invalid appsecret"})
		return
	}
	now := a.now()
	tok := randToken(96)
	s.mu.Lock()
	// Like WeChat: a new token leaves the previous ones valid for 5 more minutes at most.
	for k, t := range s.tokens {
		if t.app == a {
			if !now.Before(t.expires) {
				delete(s.tokens, k)
			} else if t.expires.After(now.Add(5 * time.Minute)) {
				t.expires = now.Add(5 * time.Minute)
			}
		}
	}
	s.tokens[tok] = &appToken{app: a, expires: now.Add(a.cfg.TokenTTL)}
	s.mu.Unlock()
	writeJSON(w, map[string]any{"access_token": tok, "expires_in": int(a.cfg.TokenTTL.Seconds())})
}

func (s *Server) qrcodeCreate(w http.ResponseWriter, r *http.Request) {
	a := s.appOf(w, r)
	if a == nil {
		return
	}
	var req struct {
		ExpireSeconds int64  `json:"expire_seconds"`
		ActionName    string `json:"action_name"`
		ActionInfo    struct {
			Scene struct {
				SceneStr string `json:"scene_str"`
				SceneID  int64  `json:"scene_id"`
			} `json:"scene"`
		} `json:"action_info"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&req); err != nil {
		writeJSON(w, apiError{44002, "empty post data"})
		return
	}
	scene := req.ActionInfo.Scene.SceneStr
	temporary := true
	switch req.ActionName {
	case "QR_SCENE", "QR_LIMIT_SCENE":
		if req.ActionInfo.Scene.SceneID <= 0 {
			writeJSON(w, apiError{40097, "invalid args"})
			return
		}
		scene = strconv.FormatInt(req.ActionInfo.Scene.SceneID, 10)
	case "QR_STR_SCENE", "QR_LIMIT_STR_SCENE":
		if scene == "" || len(scene) > 64 {
			writeJSON(w, apiError{40097, "invalid args"})
			return
		}
	default:
		writeJSON(w, apiError{40097, "invalid action name"})
		return
	}
	if strings.HasPrefix(req.ActionName, "QR_LIMIT") {
		temporary = false
	}
	exp := req.ExpireSeconds
	if exp == 0 {
		exp = 60
	}
	if exp < 0 || exp > 2592000 {
		writeJSON(w, apiError{40097, "invalid expire_seconds"})
		return
	}
	now := a.now()
	t := &ticket{app: a, id: randToken(22), ticket: randB64(48), scene: scene, created: now}
	if temporary {
		t.expires = now.Add(time.Duration(exp) * time.Second)
	}
	s.mu.Lock()
	for k, old := range s.tickets { // forget codes long expired
		if !old.expires.IsZero() && now.Sub(old.expires) > time.Hour {
			delete(s.tickets, k)
		}
	}
	s.tickets[t.id] = t
	s.mu.Unlock()
	// No errmsg on success, exactly like WeChat: the SDK treats any errmsg as a failure here.
	out := map[string]any{"ticket": t.ticket, "url": s.URL + "/q/" + t.id}
	if temporary {
		out["expire_seconds"] = exp
	}
	writeJSON(w, out)
}

// ticketFor returns the latest QR code of scene for a, or nil.
func (s *Server) ticketFor(a *App, scene string) *ticket {
	s.mu.Lock()
	defer s.mu.Unlock()
	var best *ticket
	for _, t := range s.tickets {
		if t.app == a && t.scene == scene && (best == nil || t.created.After(best.created)) {
			best = t
		}
	}
	return best
}

// TemplateMessage is a template message the stand-in accepted.
type TemplateMessage struct {
	MsgID      int64             `json:"msgid"`
	ToUser     string            `json:"touser"`
	TemplateID string            `json:"template_id"`
	URL        string            `json:"url,omitempty"`
	Data       map[string]string `json:"data"`
	At         time.Time         `json:"at"`
}

func (s *Server) templateSend(w http.ResponseWriter, r *http.Request) {
	a := s.appOf(w, r)
	if a == nil {
		return
	}
	var req struct {
		ToUser     string `json:"touser"`
		TemplateID string `json:"template_id"`
		URL        string `json:"url"`
		Data       map[string]struct {
			Value string `json:"value"`
		} `json:"data"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&req); err != nil {
		writeJSON(w, apiError{47001, "data format error"})
		return
	}
	a.mu.Lock()
	if len(a.failSends) > 0 {
		code := a.failSends[0]
		a.failSends = a.failSends[1:]
		a.mu.Unlock()
		if code >= 500 && code < 600 {
			http.Error(w, "injected failure", code)
			return
		}
		writeJSON(w, apiError{code, "injected failure"})
		return
	}
	follows := a.followers[req.ToUser]
	a.mu.Unlock()
	switch {
	case req.ToUser == "":
		writeJSON(w, apiError{40003, "invalid openid"})
		return
	case req.TemplateID == "":
		writeJSON(w, apiError{40037, "invalid template_id"})
		return
	case !follows:
		writeJSON(w, apiError{43004, "require subscribe"})
		return
	}
	m := TemplateMessage{ToUser: req.ToUser, TemplateID: req.TemplateID, URL: req.URL, Data: map[string]string{}, At: a.now()}
	for k, v := range req.Data {
		m.Data[k] = v.Value
	}
	s.mu.Lock()
	s.msgID++
	m.MsgID = s.msgID
	s.mu.Unlock()
	a.mu.Lock()
	a.templates = append(a.templates, m)
	a.mu.Unlock()
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "msgid": m.MsgID})
}

func (s *Server) userInfo(w http.ResponseWriter, r *http.Request) {
	a := s.appOf(w, r)
	if a == nil {
		return
	}
	openid := r.URL.Query().Get("openid")
	if openid == "" {
		writeJSON(w, apiError{40003, "invalid openid"})
		return
	}
	a.mu.Lock()
	follows := a.followers[openid]
	a.mu.Unlock()
	if !follows {
		writeJSON(w, map[string]any{"subscribe": 0, "openid": openid})
		return
	}
	writeJSON(w, map[string]any{
		"subscribe": 1, "openid": openid, "language": "zh_CN", "subscribe_time": a.now().Unix(),
		"remark": "", "groupid": 0, "tagid_list": []int{}, "subscribe_scene": "ADD_SCENE_QR_CODE",
		"qr_scene": 0, "qr_scene_str": "",
	})
}

func (s *Server) snsAccessToken(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	a := s.App(q.Get("appid"))
	switch {
	case a == nil:
		writeJSON(w, apiError{40013, "invalid appid"})
		return
	case q.Get("secret") != a.cfg.Secret:
		writeJSON(w, apiError{40125, "invalid appsecret"})
		return
	case q.Get("grant_type") != "authorization_code":
		writeJSON(w, apiError{40002, "invalid grant_type"})
		return
	}
	now := a.now()
	s.mu.Lock()
	c := s.codes[q.Get("code")]
	switch {
	case c == nil || c.app != a || !now.Before(c.expires):
		s.mu.Unlock()
		writeJSON(w, apiError{40029, "invalid code"})
		return
	case c.used:
		s.mu.Unlock()
		writeJSON(w, apiError{40163, "code been used"})
		return
	}
	c.used = true
	tok := randToken(96)
	s.userTokens[tok] = &userToken{app: a, openid: c.openid, scope: c.scope, expires: now.Add(2 * time.Hour)}
	s.mu.Unlock()
	writeJSON(w, map[string]any{"access_token": tok, "expires_in": 7200, "refresh_token": randToken(96),
		"openid": c.openid, "scope": c.scope})
}

func (s *Server) snsUserInfo(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.mu.Lock()
	t := s.userTokens[q.Get("access_token")]
	s.mu.Unlock()
	switch {
	case t == nil:
		writeJSON(w, errInvalidToken)
		return
	case !t.app.now().Before(t.expires):
		writeJSON(w, errTokenExpired)
		return
	case t.scope != "snsapi_userinfo":
		writeJSON(w, apiError{48001, "api unauthorized"})
		return
	case q.Get("openid") != t.openid:
		writeJSON(w, apiError{40003, "invalid openid"})
		return
	}
	writeJSON(w, map[string]any{"openid": t.openid, "nickname": "微信用户", "sex": 0, "province": "", "city": "",
		"country": "", "headimgurl": "", "privilege": []string{}})
}

var authorizePage = template.Must(template.New("authorize").Parse(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>微信网页授权（本地替身）</title>
<style>body{font:16px/1.6 system-ui,sans-serif;margin:1.5rem;color:#222;max-width:32rem}
input,button{font:inherit;padding:.5rem;width:100%;box-sizing:border-box;margin:.3rem 0}button{background:#07c160;color:#fff;border:0;border-radius:4px}</style></head>
<body><h1>微信网页授权</h1><p>这是本地替身。真实微信在服务号内打开网页时会静默完成 snsapi_base 授权；请选择以哪个微信用户（openid）继续。</p>
<form method="get" action="/connect/oauth2/authorize">
{{range $k, $v := .Query}}{{range $v}}<input type="hidden" name="{{$k}}" value="{{.}}">{{end}}{{end}}
<input name="openid" list="known" placeholder="openid" value="{{.Suggest}}" required>
<datalist id="known">{{range .Known}}<option value="{{.}}">{{end}}</datalist>
<button type="submit">确认授权</button></form></body></html>`))

// authorize is the OAuth page. Real WeChat knows who the user is; the stand-in takes the openid
// as a query parameter, or asks for it on a page.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	a := s.App(q.Get("appid"))
	back, err := url.Parse(q.Get("redirect_uri"))
	scope := q.Get("scope")
	switch {
	case a == nil:
		http.Error(w, "appid 参数错误", http.StatusBadRequest)
		return
	case err != nil || (back.Scheme != "http" && back.Scheme != "https") || back.Host == "":
		http.Error(w, "redirect_uri 参数错误", http.StatusBadRequest)
		return
	case q.Get("response_type") != "code" || (scope != "snsapi_base" && scope != "snsapi_userinfo"):
		http.Error(w, "scope 参数错误或没有 scope 权限", http.StatusBadRequest)
		return
	}
	openid := q.Get("openid")
	if openid == "" {
		q.Del("openid")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = authorizePage.Execute(w, map[string]any{"Query": q, "Known": a.OpenIDs(), "Suggest": NewOpenID()})
		return
	}
	code := randToken(32)
	s.mu.Lock()
	s.codes[code] = &oauthCode{app: a, openid: openid, scope: scope, expires: a.now().Add(5 * time.Minute)}
	s.mu.Unlock()
	bq := back.Query()
	bq.Set("code", code)
	bq.Set("state", q.Get("state"))
	back.RawQuery = bq.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

var qrPage = template.Must(template.New("q").Parse(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>服务号二维码（本地替身）</title></head>
<body style="font:16px/1.6 system-ui,sans-serif;margin:1.5rem"><h1>服务号二维码</h1>
<p>这是本地替身生成的临时二维码，场景值：<code>{{.Scene}}</code>{{if .Expired}}（已过期）{{end}}。</p>
<p>请在账号中心的 <code>/dev/wechat</code> 页面模拟扫码。</p></body></html>`))

func (s *Server) qrPage(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	t := s.tickets[r.PathValue("id")]
	s.mu.Unlock()
	if t == nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = qrPage.Execute(w, map[string]any{"Scene": t.scene, "Expired": !t.expires.IsZero() && !t.app.now().Before(t.expires)})
}

// LiveScene is a temporary QR code that can still be scanned.
type LiveScene struct {
	Scene     string
	ExpiresIn time.Duration
}

// LiveScenes lists a's QR codes that have not expired, newest first.
func (a *App) LiveScenes() []LiveScene {
	now := a.now()
	a.s.mu.Lock()
	var ts []*ticket
	for _, t := range a.s.tickets {
		if t.app == a && !t.expires.IsZero() && now.Before(t.expires) {
			ts = append(ts, t)
		}
	}
	a.s.mu.Unlock()
	sort.Slice(ts, func(i, j int) bool { return ts[i].created.After(ts[j].created) })
	out := make([]LiveScene, len(ts))
	for i, t := range ts {
		out[i] = LiveScene{Scene: t.scene, ExpiresIn: t.expires.Sub(now).Truncate(time.Second)}
	}
	return out
}

// NewOpenID returns a random openid shaped like WeChat's (28 characters).
func NewOpenID() string { return "o" + randToken(27) }

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func randB64(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

// randToken returns n URL-safe random characters.
func randToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)[:n]
}

// ErrQRExpired is what the phone says when asked to scan a QR code past its expiry (WeChat then
// shows "二维码已过期" and pushes nothing).
var ErrQRExpired = errors.New("二维码已过期")
