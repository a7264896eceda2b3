package passwordreset_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"jszg/server/account"
	"jszg/server/clock"
	"jszg/server/config"
	"jszg/server/outbox"
	"jszg/server/testenv"
	"jszg/shared/api"
	"jszg/shared/document"
	"jszg/shared/errcode"
	"jszg/wechat/binding"
)

// laterClock is the real time moved forward on demand.
type laterClock struct{ ahead atomic.Int64 }

func (c *laterClock) Now() time.Time       { return time.Now().Add(time.Duration(c.ahead.Load())) }
func (c *laterClock) skip(d time.Duration) { c.ahead.Add(int64(d)) }

// start runs the server with the captcha off: these tests are about the reset, not the puzzle.
func start(t testing.TB, opts ...testenv.Option) *testenv.Env {
	return testenv.Start(t, append(opts, testenv.WithConfig(func(c *config.Config) { c.CaptchaOff = true }))...)
}

// idNumber returns a valid mainland ID number with the given sequence.
func idNumber(seq int) string {
	body := fmt.Sprintf("11010519800101%03d", seq%1000)
	c, _ := document.ChecksumChar(body)
	return body + string(c)
}

const oldPassword = "Teach3r-Qual!ty"

// newAccount puts a live account in the store, its password hashed as sign-in checks it.
func newAccount(t testing.TB, env *testenv.Env, seq int) *account.Account {
	t.Helper()
	hash := signUpHash(t, env)
	a := &account.Account{ID: account.NewID(), DocType: api.DocIDCard, DocNumber: idNumber(seq), Name: "张三", Sex: "男",
		BirthDate: "1980-01-01", ValidityTerm: api.TermLongTerm, ValidFrom: "2020-01-01", Email: fmt.Sprintf("z%03d@qq.com", seq),
		Phone: fmt.Sprintf("13800%06d", seq), PasswordHash: hash, RealName: account.RealNameNone, CreatedAt: time.Now()}
	if err := env.Server.Stores.Accounts.Create(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	return a
}

var hashOnce sync.Map

// signUpHash is a hash of oldPassword, made the way the server makes them.
func signUpHash(t testing.TB, env *testenv.Env) string {
	if h, ok := hashOnce.Load(env); ok {
		return h.(string)
	}
	h := account.NewHasher(account.HashParams{MemoryKiB: 1024, Time: 1, Threads: 1}).Hash(oldPassword)
	hashOnce.Store(env, h)
	return h
}

type client struct {
	t    testing.TB
	env  *testenv.Env
	http *http.Client
	csrf string
}

func newClient(t testing.TB, env *testenv.Env) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, env: env, http: &http.Client{Jar: jar, Timeout: 20 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// do sends in as JSON and decodes a 2xx answer into out; it returns the status and the raw body.
func (c *client) do(method, path string, in, out any) (int, []byte) {
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
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(raw, out); err != nil {
			c.t.Fatalf("%s %s: %v in %s", method, path, err, raw)
		}
	}
	return resp.StatusCode, raw
}

func errCode(raw []byte) errcode.Code {
	var e api.ErrorResponse
	_ = json.Unmarshal(raw, &e)
	return e.Code
}

func (c *client) signIn(number, pw string) int {
	var res api.SignInResponse
	st, _ := c.do("POST", "/api/session", api.SignInRequest{DocNumber: number, Password: pw, Captcha: "off"}, &res)
	c.csrf = res.CSRFToken
	return st
}

func (c *client) startReset(a *account.Account) string {
	c.t.Helper()
	var f api.PasswordResetFlow
	st, raw := c.do("POST", "/api/password-reset", api.PasswordResetStart{DocType: a.DocType, DocNumber: a.DocNumber, Name: a.Name, Captcha: "off"}, &f)
	if st != 200 {
		c.t.Fatalf("start: %d %s", st, raw)
	}
	return f.Flow
}

// waitMail waits for the e-mail the SMTP stand-in received for to, newer than after.
func waitMail(t *testing.T, env *testenv.Env, to string, after int) outbox.Message {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		msgs, err := env.Outbox(to)
		if err != nil {
			t.Fatal(err)
		}
		var mails []outbox.Message
		for _, m := range msgs {
			if m.Channel == "email" {
				mails = append(mails, m)
			}
		}
		if len(mails) > after {
			return mails[0]
		}
		if time.Now().After(deadline) {
			t.Fatalf("no e-mail to %s", to)
		}
		time.Sleep(30 * time.Millisecond)
	}
}

var linkRE = regexp.MustCompile(`https?://\S+/reset/link\?token=[A-Za-z0-9_%-]+`)

func tokenOf(t *testing.T, m outbox.Message) string {
	t.Helper()
	link := linkRE.FindString(m.Text)
	if link == "" {
		t.Fatalf("no link in %q", m.Text)
	}
	u, _ := url.Parse(link)
	return u.Query().Get("token")
}

const newPassword = "Quiet-Harbour-2026"

// startProbe asks for 输入账号 of 50 registered accounts and of 50 numbers nobody registered
// (same name and type), interleaved.
type startProbe struct {
	env            *testenv.Env
	c              *client
	clk            *clock.Fake
	known, unknown []*account.Account
	bodies         map[string]int // status and body of each answer, the flow token masked
	flowsUnknown   []string       // the unknown side's flows, in order
}

func newStartProbe(tb testing.TB) *startProbe {
	p := &startProbe{clk: clock.NewFake(time.Date(2026, 6, 1, 9, 30, 0, 0, clock.China)), bodies: map[string]int{}}
	p.env = start(tb, testenv.WithClock(p.clk))
	p.c = newClient(tb, p.env)
	for i := range 50 {
		p.known = append(p.known, newAccount(tb, p.env, i))
		u := *p.known[i]
		u.DocNumber = idNumber(500 + i)
		p.unknown = append(p.unknown, &u)
	}
	return p
}

var flowRE = regexp.MustCompile(`"flow":"[A-Za-z0-9_-]{43}"`)

// round is three passes over the hundred, an hour apart on the injected clock (the per-address
// limit is 300 an hour): 150 timings a side.
func (p *startProbe) round() (tKnown, tUnknown []time.Duration) {
	p.clk.Advance(time.Hour)
	for pass := range 3 {
		if pass > 0 {
			p.clk.Advance(time.Hour)
		}
		for i := range 50 {
			for _, a := range []*account.Account{p.known[i], p.unknown[i]} {
				begin := time.Now()
				st, raw := p.c.do("POST", "/api/password-reset", api.PasswordResetStart{DocType: a.DocType, DocNumber: a.DocNumber, Name: a.Name, Captcha: "off"}, nil)
				d := time.Since(begin)
				p.bodies[fmt.Sprintf("%d %s", st, flowRE.ReplaceAllString(string(raw), `"flow":"…"`))]++
				if a == p.known[i] {
					tKnown = append(tKnown, d)
				} else {
					tUnknown = append(tUnknown, d)
					var f api.PasswordResetFlow
					_ = json.Unmarshal(raw, &f)
					p.flowsUnknown = append(p.flowsUnknown, f.Flow)
				}
			}
		}
	}
	return tKnown, tUnknown
}

// TestStartSaysNothingAboutExistence: 输入账号 answers a registered account and an unknown one
// alike, status, body (but for the random flow token) and median time within 10 %; and an
// unknown one's 安全验证 and sends look real and send nothing. BenchmarkStartExistingVsUnknown
// (make bench) reports the two times.
func TestStartSaysNothingAboutExistence(t *testing.T) {
	p := newStartProbe(t)
	env, c := p.env, p.c
	tKnown, tUnknown := p.round()
	if len(p.bodies) != 1 {
		t.Fatalf("answers differ: %v", p.bodies)
	}
	for k := range p.bodies {
		if !strings.HasPrefix(k, "200 ") {
			t.Fatalf("answer %s, want 200", k)
		}
	}
	// The wire-protocol test engine scans whole collections, so its timings say nothing about
	// the product's. Other packages' tests share the machine's cores, so a round whose medians
	// differ by more than 10 % is measured again (three rounds at most): a real difference shows
	// in every round (before a miss read a row in the place of the one it did not find, a hit
	// was 10–20 % slower in every round).
	if os.Getenv("JSZG_TEST_STORE") == "ferretdb" {
		t.Log("timings not compared on the wire-protocol test engine")
	} else {
		for trial := 1; ; trial++ {
			mk, mu := median(tKnown), median(tUnknown)
			diff := float64(mk-mu) / float64(max(mk, mu))
			t.Logf("round %d: median time of 输入账号: existing %v, unknown %v (%+.0f%%)", trial, mk, mu, diff*100)
			if diff <= 0.10 && diff >= -0.10 {
				break
			}
			if trial == 3 {
				t.Fatalf("medians differ by more than 10%% in three rounds")
			}
			tKnown, tUnknown = p.round()
		}
	}
	flowsUnknown := p.flowsUnknown
	// 安全验证 and the sends of an unknown account look like a real one's and send nothing (the
	// flows of the last pass are still live).
	flowsUnknown = flowsUnknown[len(flowsUnknown)-50:]
	var m api.PasswordResetMethods
	if st, raw := c.do("POST", "/api/password-reset/methods", api.PasswordResetFlowRequest{Flow: flowsUnknown[0]}, &m); st != 200 ||
		!regexp.MustCompile(`^[a-z0-9]\*{5}@[a-z0-9.]+$`).MatchString(m.Email) || !regexp.MustCompile(`^1[3-9]\d\*{4}\d{4}$`).MatchString(m.Phone) {
		t.Fatalf("methods of an unknown account: %d %s", st, raw)
	}
	for _, f := range flowsUnknown[:10] {
		if st, raw := c.do("POST", "/api/password-reset/email", api.PasswordResetFlowRequest{Flow: f}, nil); st != 200 {
			t.Fatalf("e-mail for an unknown account: %d %s", st, raw)
		}
		if st, raw := c.do("POST", "/api/password-reset/sms", api.PasswordResetFlowRequest{Flow: f}, nil); st != 200 {
			t.Fatalf("SMS for an unknown account: %d %s", st, raw)
		}
	}
	time.Sleep(300 * time.Millisecond) // the e-mail goes in the background
	msgs, err := env.Outbox("")
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 0 {
		t.Fatalf("%d messages sent for unknown accounts: %+v", len(msgs), msgs[0])
	}
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

// BenchmarkStartExistingVsUnknown measures 输入账号 for registered accounts and for unknown
// numbers, interleaved (three rounds of 150 a side on a fresh server): the medians and their
// ratio, which should be near 1 for the time of an answer to say nothing about existence.
// Reported, never asserted. Not on the wire-protocol test engine, which scans whole collections.
//
//	go test -run '^$' -bench StartExistingVsUnknown -benchtime 1x ./server/passwordreset/
func BenchmarkStartExistingVsUnknown(b *testing.B) {
	if os.Getenv("JSZG_TEST_STORE") == "ferretdb" {
		b.Skip("timings say nothing on the wire-protocol test engine")
	}
	for range b.N {
		p := newStartProbe(b)
		p.round() // warm
		var ks, us []time.Duration
		for range 3 {
			k, u := p.round()
			ks, us = append(ks, median(k)), append(us, median(u))
		}
		mk, mu := median(ks), median(us)
		b.ReportMetric(float64(mk.Nanoseconds())/1000, "existing-µs")
		b.ReportMetric(float64(mu.Nanoseconds())/1000, "unknown-µs")
		b.ReportMetric(float64(mk)/float64(mu), "existing/unknown")
		b.ReportMetric(0, "ns/op")
	}
}

// 邮箱重置密码: the link arrives over SMTP, resets once, ends every session, and is dead after.
func TestResetByEmailLink(t *testing.T) {
	env := start(t)
	a := newAccount(t, env, 1)
	other := newClient(t, env)
	if st := other.signIn(a.DocNumber, oldPassword); st != 200 {
		t.Fatalf("sign-in: %d", st)
	}
	c := newClient(t, env)
	flow := c.startReset(a)
	var m api.PasswordResetMethods
	c.do("POST", "/api/password-reset/methods", api.PasswordResetFlowRequest{Flow: flow}, &m)
	if m.Email != "z*****@qq.com" || m.Phone != "138****0001" || m.WeChat {
		t.Fatalf("methods %+v", m)
	}
	var sent api.PasswordResetSent
	if st, raw := c.do("POST", "/api/password-reset/email", api.PasswordResetFlowRequest{Flow: flow}, &sent); st != 200 || sent.SentTo != m.Email {
		t.Fatalf("send: %d %s", st, raw)
	}
	mail := waitMail(t, env, a.Email, 0)
	if mail.Subject != "中国教师资格网密码重置" || !strings.Contains(mail.Text, "您用于本次密码重置的邮箱地址链接") || !strings.Contains(mail.Text, "链接地址24小时内有效") {
		t.Fatalf("mail %+v", mail)
	}
	token := tokenOf(t, mail)
	var link api.PasswordResetLink
	if c.do("GET", "/api/password-reset/link?token="+url.QueryEscape(token), nil, &link); !link.Valid {
		t.Fatal("fresh link not valid")
	}
	// A weak password is refused without using the link.
	if st, raw := c.do("POST", "/api/password-reset/link/confirm", api.PasswordResetLinkConfirm{Token: token, Password: "12345678", PasswordConfirm: "12345678"}, nil); st != 400 {
		t.Fatalf("weak password: %d %s", st, raw)
	}
	if st, raw := c.do("POST", "/api/password-reset/link/confirm", api.PasswordResetLinkConfirm{Token: token, Password: newPassword, PasswordConfirm: newPassword}, nil); st != 204 {
		t.Fatalf("reset: %d %s", st, raw)
	}
	if st, raw := c.do("POST", "/api/password-reset/link/confirm", api.PasswordResetLinkConfirm{Token: token, Password: newPassword + "x", PasswordConfirm: newPassword + "x"}, nil); st != 410 || errCode(raw) != errcode.ResetLinkInvalid {
		t.Fatalf("reuse: %d %s", st, raw)
	}
	if st, raw := other.do("GET", "/api/me", nil, nil); st != 401 {
		t.Fatalf("the other session after the reset: %d %s", st, raw)
	}
	if st := newClient(t, env).signIn(a.DocNumber, oldPassword); st != 401 {
		t.Fatalf("old password: %d", st)
	}
	if st := newClient(t, env).signIn(a.DocNumber, newPassword); st != 200 {
		t.Fatalf("new password: %d", st)
	}
	// The holder is told (not bound to WeChat: by SMS).
	deadline := time.Now().Add(5 * time.Second)
	for {
		msgs, _ := env.Outbox(a.Phone)
		if len(msgs) > 0 && strings.Contains(msgs[0].Text, "密码已重置") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no notice by SMS: %+v", msgs)
		}
		time.Sleep(30 * time.Millisecond)
	}
}

// A link is dead after any later reset or password change, and after 24 hours; of concurrent
// uses of one link one alone resets.
func TestLinkLifetime(t *testing.T) {
	clk := &laterClock{}
	env := start(t, testenv.WithClock(clk))
	a := newAccount(t, env, 2)
	c := newClient(t, env)
	sendLink := func(n int) string {
		t.Helper()
		clk.skip(61 * time.Second) // one link a minute per number
		flow := c.startReset(a)
		if st, raw := c.do("POST", "/api/password-reset/email", api.PasswordResetFlowRequest{Flow: flow}, nil); st != 200 {
			t.Fatalf("send: %d %s", st, raw)
		}
		return tokenOf(t, waitMail(t, env, a.Email, n))
	}
	first, second := sendLink(0), sendLink(1)

	// Twenty at once on the second link: one wins.
	var wins, refused atomic.Int32
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pw := newPassword
			st, raw := c.do("POST", "/api/password-reset/link/confirm", api.PasswordResetLinkConfirm{Token: second, Password: pw, PasswordConfirm: pw}, nil)
			switch {
			case st == 204:
				wins.Add(1)
			case st == 410 && errCode(raw) == errcode.ResetLinkInvalid:
				refused.Add(1)
			default:
				t.Errorf("concurrent use: %d %s", st, raw)
			}
		}()
	}
	wg.Wait()
	if wins.Load() != 1 || refused.Load() != 19 {
		t.Fatalf("%d resets and %d refusals, want 1 and 19", wins.Load(), refused.Load())
	}
	// The first link was issued under the old password: dead now, though unused and young.
	var link api.PasswordResetLink
	if c.do("GET", "/api/password-reset/link?token="+url.QueryEscape(first), nil, &link); link.Valid {
		t.Fatal("a link issued before a reset still valid")
	}
	// A password change kills a link too.
	third := sendLink(2)
	me := newClient(t, env)
	if st := me.signIn(a.DocNumber, newPassword); st != 200 {
		t.Fatalf("sign-in with the new password: %d", st)
	}
	if st, raw := me.do("PUT", "/api/me/password", api.ChangePasswordRequest{OldPassword: newPassword, Password: "Another-Lake-77", PasswordConfirm: "Another-Lake-77"}, nil); st != 204 {
		t.Fatalf("change password: %d %s", st, raw)
	}
	if c.do("GET", "/api/password-reset/link?token="+url.QueryEscape(third), nil, &link); link.Valid {
		t.Fatal("a link issued before a password change still valid")
	}
	// Expiry: a fresh link, then the clock past 24 hours.
	clk.skip(time.Hour) // three links an hour per number
	fourth := sendLink(3)
	if c.do("GET", "/api/password-reset/link?token="+url.QueryEscape(fourth), nil, &link); !link.Valid {
		t.Fatal("fresh link not valid")
	}
	clk.skip(24*time.Hour + time.Second)
	if st, raw := c.do("POST", "/api/password-reset/link/confirm", api.PasswordResetLinkConfirm{Token: fourth, Password: newPassword, PasswordConfirm: newPassword}, nil); st != 410 {
		t.Fatalf("expired link: %d %s", st, raw)
	}
}

// 短信验证重置密码: the code goes to the registered phone; a wrong one is refused, the right one
// resets once, and the code cannot be used again.
func TestResetBySMS(t *testing.T) {
	env := start(t)
	a := newAccount(t, env, 3)
	c := newClient(t, env)
	flow := c.startReset(a)
	var sent api.PasswordResetSent
	if st, raw := c.do("POST", "/api/password-reset/sms", api.PasswordResetFlowRequest{Flow: flow}, &sent); st != 200 || sent.SentTo != "138****0003" {
		t.Fatalf("send: %d %s", st, raw)
	}
	if st, raw := c.do("POST", "/api/password-reset/sms", api.PasswordResetFlowRequest{Flow: flow}, nil); st != 429 {
		t.Fatalf("second send within the minute: %d %s", st, raw)
	}
	code, err := env.LastCode(context.Background(), a.Phone)
	if err != nil {
		t.Fatal(err)
	}
	wrong := fmt.Sprintf("%06d", (atoi(code)+1)%1000000)
	if st, raw := c.do("POST", "/api/password-reset/sms/confirm", api.PasswordResetSMSConfirm{Flow: flow, Code: wrong, Password: newPassword, PasswordConfirm: newPassword}, nil); errCode(raw) != errcode.CodeInvalid {
		t.Fatalf("wrong code: %d %s", st, raw)
	}
	if st, raw := c.do("POST", "/api/password-reset/sms/confirm", api.PasswordResetSMSConfirm{Flow: flow, Code: code, Password: newPassword, PasswordConfirm: newPassword}, nil); st != 204 {
		t.Fatalf("reset: %d %s", st, raw)
	}
	if st, raw := c.do("POST", "/api/password-reset/sms/confirm", api.PasswordResetSMSConfirm{Flow: flow, Code: code, Password: newPassword, PasswordConfirm: newPassword}, nil); st != 410 {
		t.Fatalf("reuse of the flow: %d %s", st, raw)
	}
	flow2 := c.startReset(a)
	if st, raw := c.do("POST", "/api/password-reset/sms/confirm", api.PasswordResetSMSConfirm{Flow: flow2, Code: code, Password: newPassword + "!", PasswordConfirm: newPassword + "!"}, nil); errCode(raw) != errcode.CodeExpired {
		t.Fatalf("reuse of the code: %d %s", st, raw)
	}
	if st := newClient(t, env).signIn(a.DocNumber, newPassword); st != 200 {
		t.Fatalf("new password: %d", st)
	}
}

// 微信验证重置密码: only a scan from the bound openid proves the account; another WeChat is told
// so in the chat and proves nothing; the template message carries a one-time link.
func TestResetByWeChat(t *testing.T) {
	env := start(t)
	a := newAccount(t, env, 4)
	ctx := context.Background()
	phone := env.Server.WeChat.StandIn()
	phone.SetCallbackURL(env.URL + "/wechat/callback")
	if _, err := phone.Follow(ctx, "o-bound"); err != nil {
		t.Fatal(err)
	}
	if err := binding.New(env.Server.Stores.WeChat.Bindings, clock.System{}).Bind(ctx, a.ID, "o-bound", binding.ViaScan, true); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, env)
	flow := c.startReset(a)
	var m api.PasswordResetMethods
	if c.do("POST", "/api/password-reset/methods", api.PasswordResetFlowRequest{Flow: flow}, &m); !m.WeChat {
		t.Fatalf("WeChat not offered to a bound account: %+v", m)
	}
	var sc api.WeChatScene
	if st, raw := c.do("POST", "/api/password-reset/wechat/scene", api.PasswordResetFlowRequest{Flow: flow}, &sc); st != 201 {
		t.Fatalf("scene: %d %s", st, raw)
	}
	confirm := func() (int, []byte) {
		return c.do("POST", "/api/password-reset/wechat/confirm", api.PasswordResetWeChatConfirm{Flow: flow, Scene: sc.Scene, Password: newPassword, PasswordConfirm: newPassword}, nil)
	}
	if st, raw := confirm(); errCode(raw) != errcode.ResetWeChatPending {
		t.Fatalf("before any scan: %d %s", st, raw)
	}
	reply, err := phone.Scan(ctx, "o-stranger", sc.Scene)
	if err != nil || !strings.Contains(reply, "未绑定此中国教师资格网账号") {
		t.Fatalf("stranger's scan: %q %v", reply, err)
	}
	if st, raw := confirm(); errCode(raw) != errcode.ResetWeChatPending {
		t.Fatalf("after a stranger's scan: %d %s", st, raw)
	}
	reply, err = phone.Scan(ctx, "o-bound", sc.Scene)
	if err != nil || !strings.Contains(reply, "身份确认成功") {
		t.Fatalf("bound scan: %q %v", reply, err)
	}
	if st, raw := confirm(); st != 204 {
		t.Fatalf("reset: %d %s", st, raw)
	}
	if st, _ := confirm(); st != 410 {
		t.Fatalf("second reset with one scan: %d", st)
	}

	// The other WeChat way: a template message with a one-time link.
	flow = c.startReset(a)
	if st, raw := c.do("POST", "/api/password-reset/wechat/link", api.PasswordResetFlowRequest{Flow: flow}, nil); st != 200 {
		t.Fatalf("link by WeChat: %d %s", st, raw)
	}
	var link string
	for _, tm := range phone.TemplateMessages("o-bound") {
		if strings.Contains(tm.URL, "/reset/link?token=") {
			link = tm.URL
		}
	}
	if link == "" {
		t.Fatalf("no template message with a link: %+v", phone.TemplateMessages("o-bound"))
	}
	u, _ := url.Parse(link)
	tok := u.Query().Get("token")
	pw := newPassword + "-wx"
	if st, raw := c.do("POST", "/api/password-reset/link/confirm", api.PasswordResetLinkConfirm{Token: tok, Password: pw, PasswordConfirm: pw}, nil); st != 204 {
		t.Fatalf("reset by WeChat link: %d %s", st, raw)
	}
	if st, _ := c.do("POST", "/api/password-reset/link/confirm", api.PasswordResetLinkConfirm{Token: tok, Password: pw, PasswordConfirm: pw}, nil); st != 410 {
		t.Fatalf("reuse of the WeChat link: %d", st)
	}
	// Unbound accounts are not offered the WeChat way.
	b := newAccount(t, env, 5)
	flow = c.startReset(b)
	if st, raw := c.do("POST", "/api/password-reset/wechat/scene", api.PasswordResetFlowRequest{Flow: flow}, nil); errCode(raw) != errcode.ResetMethodRefused {
		t.Fatalf("scene for an unbound account: %d %s", st, raw)
	}
}

// Legacy accounts are told to register again.
func TestLegacyAccountRegistersAgain(t *testing.T) {
	env := start(t)
	a := newAccount(t, env, 6)
	old := *a
	old.ID, old.DocNumber, old.CreatedAt = account.NewID(), idNumber(7), account.LegacyCutoff.AddDate(-1, 0, 0)
	if err := env.Server.Stores.Accounts.Create(context.Background(), &old); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, env)
	st, raw := c.do("POST", "/api/password-reset", api.PasswordResetStart{DocType: old.DocType, DocNumber: old.DocNumber, Name: old.Name, Captcha: "off"}, nil)
	if st != 409 || errCode(raw) != errcode.ResetLegacyAccount {
		t.Fatalf("legacy: %d %s", st, raw)
	}
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}
