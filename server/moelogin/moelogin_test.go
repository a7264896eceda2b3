package moelogin_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"jszg/server/account"
	"jszg/server/clock"
	"jszg/server/moelogin"
	"jszg/server/testenv"
	"jszg/shared/api"
	"jszg/shared/document"
)

type browser struct {
	t    *testing.T
	base string
	c    *http.Client
}

func newBrowser(t *testing.T, env *testenv.Env) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: env.URL, c: &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// get returns the status and Location of a GET (absolute or relative to the server).
func (b *browser) get(u string) (int, string) {
	b.t.Helper()
	if strings.HasPrefix(u, "/") {
		u = b.base + u
	}
	resp, err := b.c.Get(u)
	if err != nil {
		b.t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, resp.Header.Get("Location")
}

// authorize goes to the platform and signs in there as number; it returns the callback URL the
// platform sends the browser to, not yet followed.
func (b *browser) authorize(number string) string {
	b.t.Helper()
	st, loc := b.get("/api/moe/start")
	if st != http.StatusFound || !strings.HasPrefix(loc, moelogin.DevPath+"?") {
		b.t.Fatalf("start: %d %s", st, loc)
	}
	u, _ := url.Parse(loc)
	q := u.Query()
	for _, k := range []string{"state", "nonce", "code_challenge"} {
		if q.Get(k) == "" {
			b.t.Fatalf("authorization request without %s: %s", k, loc)
		}
	}
	if q.Get("code_challenge_method") != "S256" {
		b.t.Fatalf("PKCE method %q, want S256", q.Get("code_challenge_method"))
	}
	form := url.Values{}
	for k, v := range q {
		form[k] = v
	}
	form.Set("moe_doc_number", number)
	form.Set("moe_name", "李四")
	resp, err := b.c.PostForm(b.base+moelogin.DevPath, form)
	if err != nil {
		b.t.Fatal(err)
	}
	resp.Body.Close()
	st, loc = b.get(resp.Header.Get("Location")) // the provider's authorization endpoint
	if st != http.StatusFound || !strings.Contains(loc, "/api/moe/callback?") {
		b.t.Fatalf("provider: %d %s", st, loc)
	}
	return loc
}

func idNumber() string {
	body := "11010519850202123"
	c, _ := document.ChecksumChar(body)
	return body + string(c)
}

// An unknown number is offered registration with the number; once an account has it, the same
// identity signs in and is linked. A callback replayed, or with another start's state, is refused.
func TestMoESignIn(t *testing.T) {
	env := testenv.Start(t)
	b := newBrowser(t, env)
	number := idNumber()

	callback := b.authorize(number)
	st, loc := b.get(callback)
	if st != http.StatusSeeOther || loc != "/register?moe=1" {
		t.Fatalf("unknown number: %d %s", st, loc)
	}
	resp, err := b.c.Get(env.URL + "/api/moe/pending")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), number) || !strings.Contains(string(body), `"doc_type":"id_card"`) {
		t.Fatalf("pending registration: %d %s", resp.StatusCode, body)
	}
	// The same callback again: its state is used up.
	if st, loc := b.get(callback); st != http.StatusSeeOther || !strings.Contains(loc, "moe_error=moe_sign_in_failed") {
		t.Fatalf("replayed callback: %d %s", st, loc)
	}

	// Two starts: the code of one with the state of the other (its nonce and verifier) fails.
	first := b.authorize(number)
	second := b.authorize(number)
	u1, _ := url.Parse(first)
	u2, _ := url.Parse(second)
	q := u1.Query()
	q.Set("state", u2.Query().Get("state"))
	u1.RawQuery = q.Encode()
	if st, loc := b.get(u1.String()); st != http.StatusSeeOther || !strings.Contains(loc, "moe_error") {
		t.Fatalf("crossed state: %d %s", st, loc)
	}

	acc := &account.Account{ID: account.NewID(), DocType: api.DocIDCard, DocNumber: number, Name: "李四", Sex: "男",
		BirthDate: "1985-02-02", ValidityTerm: api.TermLongTerm, ValidFrom: "2020-01-01", Email: "li@qq.com", Phone: "13900001234",
		PasswordHash: "x", RealName: account.RealNameNone, CreatedAt: time.Now()}
	if err := env.Server.Stores.Accounts.Create(context.Background(), acc); err != nil {
		t.Fatal(err)
	}
	if st, loc := b.get(b.authorize(number)); st != http.StatusSeeOther || loc != "/profile" {
		t.Fatalf("linked sign-in: %d %s", st, loc)
	}
	if st, _ := b.get("/api/me"); st != 200 {
		t.Fatalf("/api/me after 教育部账号登录: %d", st)
	}
	got, _ := env.Server.Stores.Accounts.ByID(context.Background(), acc.ID)
	if got == nil || got.MoESubject != "moe-"+number {
		t.Fatalf("subject not linked: %+v", got)
	}
}

// A provider whose discovery names another issuer than the configured one is refused.
func TestWrongIssuerRefused(t *testing.T) {
	standIn, err := moelogin.StartStandIn("", "")
	if err != nil {
		t.Fatal(err)
	}
	defer standIn.Close()
	cfg := standIn.Config("")
	cfg.Issuer = strings.Replace(cfg.Issuer, "127.0.0.1", "localhost", 1)
	env := testenv.Start(t)
	c := moelogin.New(cfg, env.Server.Stores.MoE, clock.System{})
	_, err = c.Start(context.Background(), "http://127.0.0.1/cb", "")
	if !errors.Is(err, moelogin.ErrUnavailable) || !strings.Contains(err.Error(), "issuer") {
		t.Fatalf("wrong issuer: %v, want ErrUnavailable about the issuer", err)
	}
}
