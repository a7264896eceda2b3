package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"jszg/server/config"
	"jszg/server/httpapi"
	"jszg/server/store/sqlite"
	"jszg/server/testenv"
	"jszg/shared/api"
	"jszg/shared/errcode"
	"jszg/wechat/wechatfake"
)

// behindProxy starts the server behind a trusted proxy on loopback, so a client chooses its
// address with X-Forwarded-For as the proxy would append it.
func behindProxy(t *testing.T) *testenv.Env {
	return testenv.Start(t, testenv.WithConfig(func(c *config.Config) { c.TrustedProxies = []string{"127.0.0.1"} }))
}

// from makes a client whose proxy reports addr (with whatever the client itself put left of it).
func from(t *testing.T, env *testenv.Env, forwarded string) *client {
	c := newClient(t, env)
	c.header = http.Header{"X-Forwarded-For": {forwarded}}
	return c
}

// A client-chosen X-Forwarded-For must not give it a fresh address: only the rightmost address
// that is not a trusted proxy counts.
func TestClientChosenForwardedForDoesNotRotateTheAddress(t *testing.T) {
	env := behindProxy(t)
	for i := range 30 {
		c := from(t, env, "10.0.0."+string(rune('0'+i%10))+", 203.0.113.5")
		if _, e := c.signIn(idNumber("19800101", i), "wrong password"); e == nil || e.Code != errcode.SignInFailed {
			t.Fatalf("failure %d: %+v", i, e)
		}
	}
	c := from(t, env, "192.0.2.99, 203.0.113.5")
	if st, e := c.signIn(idNumber("19800101", 31), "wrong password"); st != http.StatusTooManyRequests || e.Code != errcode.TooManyRequests {
		t.Fatalf("31st failure with a rotated left-hand address: %d %+v", st, e)
	}
	// A different real client is not affected.
	if _, e := from(t, env, "203.0.113.6").signIn(idNumber("19800101", 32), "wrong password"); e == nil || e.Code != errcode.SignInFailed {
		t.Fatalf("another client: %+v", e)
	}
}

func TestIPv6ClientsAreKeyedByTheirSlash64(t *testing.T) {
	env := behindProxy(t)
	for i := range 30 {
		c := from(t, env, "2001:db8:1:2::"+string(rune('a'+i%6))+string(rune('0'+i/6)))
		c.signIn(idNumber("19800101", i), "wrong password")
	}
	if st, e := from(t, env, "2001:db8:1:2:ffff::1").signIn(idNumber("19800101", 31), "wrong password"); st != http.StatusTooManyRequests {
		t.Fatalf("another address of the same /64: %d %+v", st, e)
	}
}

// Wrong passwords from one address lock that address out of the number, not the holder.
func TestStrangersWrongPasswordsDoNotLockTheHolderOut(t *testing.T) {
	env := behindProxy(t)
	owner := from(t, env, "203.0.113.10")
	req := registration(40, "13812345640")
	if st, e := owner.register(req); st != http.StatusCreated {
		t.Fatalf("register: %d %+v", st, e)
	}
	attacker := from(t, env, "198.51.100.20")
	for range 5 {
		attacker.signIn(req.DocNumber, "wrong password")
	}
	if _, e := attacker.signIn(req.DocNumber, req.Password); e == nil || e.Code != errcode.AccountLocked {
		t.Fatalf("attacker's address after 5 failures: %+v, want locked", e)
	}
	if st, e := owner.signIn(req.DocNumber, req.Password); e != nil {
		t.Fatalf("the holder from their own address: %d %+v", st, e)
	}
}

// After 20 failures from anywhere in a day, the number is slowed to one check per 30 s: the right
// password waits, it is not refused for the day.
func TestManyAddressesSlowTheNumberButDoNotLockIt(t *testing.T) {
	env := behindProxy(t)
	owner := from(t, env, "203.0.113.10")
	req := registration(41, "13812345641")
	if st, e := owner.register(req); st != http.StatusCreated {
		t.Fatalf("register: %d %+v", st, e)
	}
	for i := range 20 {
		from(t, env, "198.51.100."+string(rune('0'+i/10))+string(rune('0'+i%10))).signIn(req.DocNumber, "wrong password")
	}
	st, e := owner.signIn(req.DocNumber, req.Password)
	if e != nil && e.Code != errcode.SignInSlowed {
		t.Fatalf("holder after 20 distributed failures: %d %+v", st, e)
	}
	if e != nil && (e.RetryAfter <= 0 || e.RetryAfter > 30) {
		t.Fatalf("slowed with retry after %d s", e.RetryAfter)
	}
}

func TestReturnToCannotLeaveTheSite(t *testing.T) {
	env := testenv.Start(t, testenv.WithConfig(func(c *config.Config) { c.ReturnHosts = []string{"rd.jszg.edu.cn"} }))
	c := newClient(t, env)
	req := registration(42, "13812345642")
	c.register(req)
	for target, want := range map[string]string{
		"/\t/evil.example":              "/profile",
		"/\n/evil.example":              "/profile",
		"/ /evil.example":               "/profile",
		"//evil.example":                "/profile",
		"/\\evil.example":               "/profile",
		"https://evil.example/":         "/profile",
		"https://rd.jszg.edu.cn@evil/":  "/profile",
		"javascript:alert(1)":           "/profile",
		"https://rd.jszg.edu.cn/apply":  "https://rd.jszg.edu.cn/apply",
		"/profile?tab=exam":             "/profile?tab=exam",
		"https://rd.jszg.edu.cn\t.evil": "/profile",
	} {
		var r api.SignInResponse
		if st, e := c.do("POST", "/api/session", api.SignInRequest{DocNumber: req.DocNumber, Password: req.Password, Captcha: c.captcha(), ReturnTo: target}, &r); e != nil {
			t.Fatalf("%q: %d %+v", target, st, e)
		}
		if r.Redirect != want {
			t.Errorf("return_to %q: redirect %q, want %q", target, r.Redirect, want)
		}
	}
}

// A wrong code says nothing about whether the number is registered.
func TestRegistrationChecksTheCodeBeforeTheNumber(t *testing.T) {
	env := testenv.Start(t)
	c := newClient(t, env)
	req := registration(43, "13812345643")
	if st, e := c.register(req); st != http.StatusCreated {
		t.Fatalf("register: %d %+v", st, e)
	}
	again := registration(43, "13812345644")
	again.Code, again.Captcha = "000000", c.captcha()
	if _, e := c.do("POST", "/api/register", again, nil); e == nil || e.Code != errcode.CodeInvalid {
		t.Fatalf("registered number with a wrong code: %+v, want code_invalid", e)
	}
}

func TestOversizedRequestsGetTheirStatus(t *testing.T) {
	env := testenv.Start(t)
	res, err := http.Get(env.URL + "/" + strings.Repeat("a", 4096))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusRequestURITooLong {
		t.Fatalf("path of 4,096 characters: %d, want 414", res.StatusCode)
	}
	res, err = http.Post(env.URL+"/api/register", "application/json", bytes.NewReader(make([]byte, httpapi.MaxBody+1)))
	if err != nil {
		t.Fatalf("body over the limit: %v (want a 413 answer, not a reset)", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("body over the limit: %d, want 413", res.StatusCode)
	}
	hreq, _ := http.NewRequest("GET", env.URL+"/api/me", nil)
	hreq.Header.Set("X-Big", strings.Repeat("b", 16<<10))
	res, err = http.DefaultClient.Do(hreq)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Fatalf("16 KB header: %d, want 431", res.StatusCode)
	}
}

func TestEveryResponseCarriesTheSecurityHeaders(t *testing.T) {
	env := testenv.Start(t)
	for _, p := range []string{"/login", "/api/me", "/api/nope", "/web/care.js", "/healthz"} {
		res, err := http.Get(env.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		csp := res.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self' 'wasm-unsafe-eval';") || !strings.Contains(csp, "style-src-elem 'self';") ||
			strings.Count(csp, "unsafe-inline") != 1 || !strings.Contains(csp, "style-src-attr 'unsafe-inline'") ||
			res.Header.Get("X-Content-Type-Options") != "nosniff" || res.Header.Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s: headers %v", p, res.Header)
		}
		if res.Header.Get("Strict-Transport-Security") != "" {
			t.Errorf("%s: HSTS over plain HTTP", p)
		}
	}
	// The page the policy guards has no inline script nor <style> element to be refused.
	res, err := http.Get(env.URL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if m := regexp.MustCompile(`(?i)<script(?:\s[^>]*)?>`).FindAll(page, -1); len(m) == 0 {
		t.Fatalf("no script on /login: %s", clip(page))
	} else {
		for _, tag := range m {
			if !strings.Contains(string(tag), "src=") {
				t.Errorf("/login has an inline script: %s", tag)
			}
		}
	}
	if regexp.MustCompile(`(?i)<style[\s>]`).Match(page) || regexp.MustCompile(`(?i)\son[a-z]+=`).Match(page) {
		t.Errorf("/login has an inline style element or event handler")
	}
	// Behind a TLS proxy the public URL says so, and HSTS is on; X-Forwarded-Proto decides nothing.
	tls := testenv.Start(t, testenv.WithConfig(func(c *config.Config) { c.WeChat.PublicURL = "https://sso.example.cn" }))
	res, err = http.Get(tls.URL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if !strings.HasPrefix(res.Header.Get("Strict-Transport-Security"), "max-age=") {
		t.Fatalf("HSTS with an https public URL: %v", res.Header)
	}
}

// X-Forwarded-Proto, which any client can send, does not make the session cookie Secure (nor
// its name __Host-): only JSZG_PUBLIC_URL's scheme or the connection's own TLS does.
func TestForwardedProtoDoesNotDecideTheCookie(t *testing.T) {
	env := testenv.Start(t)
	c := newClient(t, env)
	c.header = http.Header{"X-Forwarded-Proto": {"https"}}
	req := registration(44, "13812345645")
	c.register(req)
	b, _ := json.Marshal(api.SignInRequest{DocNumber: req.DocNumber, Password: req.Password, Captcha: c.captcha()})
	hreq, _ := http.NewRequest("POST", env.URL+"/api/session", bytes.NewReader(b))
	hreq.Header.Set("Content-Type", "application/json")
	hreq.Header.Set("X-Forwarded-Proto", "https")
	res, err := http.DefaultClient.Do(hreq)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	cookie := res.Header.Get("Set-Cookie")
	if !strings.HasPrefix(cookie, "jszg_session=") || strings.Contains(strings.ToLower(cookie), "secure") {
		t.Fatalf("cookie over plain HTTP with X-Forwarded-Proto: %q", cookie)
	}
}

// The developer pages answer only a client on this machine, and their forms only posts from
// their own pages.
func TestDeveloperPagesAreLoopbackOnlyWithCSRF(t *testing.T) {
	env := behindProxy(t)
	hreq, _ := http.NewRequest("GET", env.URL+"/dev/outbox.json", nil)
	hreq.Header.Set("X-Forwarded-For", "203.0.113.7")
	res, err := http.DefaultClient.Do(hreq)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Fatalf("outbox through a proxy: %d, want 404", res.StatusCode)
	}
	hreq, _ = http.NewRequest("POST", env.URL+"/dev/wechat/scan", strings.NewReader("openid=o1&scene=s1"))
	hreq.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	hreq.Header.Set("Origin", "https://evil.example")
	res, err = http.DefaultClient.Do(hreq)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site scan form post: %d, want 403", res.StatusCode)
	}
}

// A dump of the database files (the SQLite file and its WAL) shows no registered number, name or
// phone. The code comes by WeChat scan: the SMS stand-in's developer outbox keeps what it
// "sent", on purpose, and exists only in the local run.
func TestDatabaseFilesRevealNoIdentity(t *testing.T) {
	if testenv.DefaultEngine() != testenv.SQLite {
		t.Skip("reads the SQLite files")
	}
	env := testenv.Start(t)
	phone := env.Server.WeChat.StandIn()
	phone.SetCallbackURL(env.URL + "/wechat/callback")
	c := newClient(t, env)
	var sc api.WeChatScene
	if st, e := c.do("POST", "/api/wechat/scenes", api.WeChatSceneRequest{Purpose: api.WeChatPurposeRegister}, &sc); e != nil {
		t.Fatalf("scene: %d %+v", st, e)
	}
	reply, err := phone.Scan(context.Background(), wechatfake.NewOpenID(), sc.Scene)
	if err != nil {
		t.Fatal(err)
	}
	req := registration(45, "13877775555")
	req.Name = "欧阳娜娜"
	req.Email = "ouyang.nana@example.com"
	req.CodeSource, req.Code, req.WeChatScene, req.Captcha = api.CodeByWeChat, regexp.MustCompile(`\d{6}`).FindString(reply), sc.Scene, c.captcha()
	if st, e := c.do("POST", "/api/register", req, nil); st != http.StatusCreated {
		t.Fatalf("register: %d %+v", st, e)
	}
	if st, e := c.signIn(req.DocNumber, req.Password); e != nil {
		t.Fatalf("sign in: %d %+v", st, e)
	}
	var raw []byte
	for _, f := range []string{sqlite.FileName, sqlite.FileName + "-wal"} {
		b, err := os.ReadFile(filepath.Join(env.Config.DataDir, f))
		if err != nil {
			t.Fatal(err)
		}
		raw = append(raw, b...)
	}
	if len(raw) < 4096 {
		t.Fatalf("read only %d bytes of database files", len(raw))
	}
	for what, v := range map[string]string{"number": req.DocNumber, "name": req.Name, "phone": req.Phone, "e-mail": req.Email} {
		if bytes.Contains(raw, []byte(v)) {
			t.Errorf("the database files contain the %s %q", what, v)
		}
	}
}

// hostile are the bodies and requests every operation gets.
var hostileBodies = []struct{ name, ctype, body string }{
	{"empty", "application/json", ""},
	{"null", "application/json", "null"},
	{"wrong types", "application/json", `{"doc_number":[1,2],"password":{"a":1},"captcha":123,"phone":true,"purpose":[],"x":1e999,"code":{"$gt":""},"agreed":"yes"}`},
	{"huge value", "application/json", `{"doc_number":"` + strings.Repeat("9", 60<<10) + `"}`},
	{"deep", "application/json", strings.Repeat("[", 10000) + strings.Repeat("]", 10000)},
	{"form", "application/x-www-form-urlencoded", "doc_number=1&password=2"},
	{"xml", "text/xml", "<xml><a>1</a></xml>"},
	{"no type", "", `{"doc_number":"1"}`},
}

var leaks = regexp.MustCompile(`(?i)goroutine|panic|runtime error|\.go:\d|sqlite|mongo|ferret|stack|nil pointer|/home/|/root/|/usr/`)

// TestHostileRequestsToEveryOperation sends every operation of /api/openapi.json wrong types,
// huge and empty values, long paths and bad content types, without credentials: no answer is a
// 5xx, and none shows an internal (a stack, a driver's message, a file path).
func TestHostileRequestsToEveryOperation(t *testing.T) {
	env := testenv.Start(t)
	deadline := time.Now().Add(20 * time.Second)
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(httpapi.OpenAPI, &doc); err != nil {
		t.Fatal(err)
	}
	hc := &http.Client{Timeout: 5 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	param := regexp.MustCompile(`\{[^}]+\}`)
	n := 0
	for path, ops := range doc.Paths {
		for method := range ops {
			method = strings.ToUpper(method)
			for _, p := range []string{
				param.ReplaceAllString(path, "x"),
				param.ReplaceAllString(path, strings.Repeat("%00", 20)),
				param.ReplaceAllString(path, strings.Repeat("z", 1500)),
				path + "?" + strings.Repeat("a=%ff&", 200),
			} {
				for _, b := range hostileBodies {
					if time.Now().After(deadline) {
						t.Fatalf("hostile run did not finish in time (%d requests)", n)
					}
					req, err := http.NewRequest(method, env.URL+p, strings.NewReader(b.body))
					if err != nil {
						continue
					}
					if b.ctype != "" {
						req.Header.Set("Content-Type", b.ctype)
					}
					res, err := hc.Do(req)
					if err != nil {
						t.Fatalf("%s %s (%s): %v", method, path, b.name, err)
					}
					body, _ := io.ReadAll(res.Body)
					res.Body.Close()
					n++
					if res.StatusCode >= 500 && !(path == "/healthz" && res.StatusCode == 503) {
						t.Errorf("%s %s (%s): %d %s", method, path, b.name, res.StatusCode, clip(body))
					}
					if res.StatusCode >= 400 && leaks.Match(body) {
						t.Errorf("%s %s (%s): %d leaks internals: %s", method, path, b.name, res.StatusCode, clip(body))
					}
				}
			}
		}
	}
	t.Logf("%d hostile requests", n)
}

func clip(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}
