package httpapi_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"jszg/server/account"
	"jszg/server/testenv"
	"jszg/shared/api"
	"jszg/shared/errcode"
)

func TestRegisterSignInAndSignOut(t *testing.T) {
	env := testenv.Start(t)
	c := newClient(t, env)
	req := registration(1, "13812345678")
	if st, e := c.register(req); st != http.StatusCreated {
		t.Fatalf("register: %d %+v", st, e)
	}
	if st, e := c.signIn(req.DocNumber, req.Password); e != nil {
		t.Fatalf("sign in: %d %+v", st, e)
	}
	var me api.Me
	if st, e := c.do("GET", "/api/me", nil, &me); e != nil {
		t.Fatalf("me: %d %+v", st, e)
	}
	want := api.Me{DocNumber: "11****" + req.DocNumber[16:], Name: "*****力", Sex: "男", BirthDate: "1990-**-**",
		Phone: "138****5678", Email: "a*****@example.com", RealNameState: "none"}
	if me.DocNumber != want.DocNumber || me.Name != want.Name || me.Sex != want.Sex || me.BirthDate != want.BirthDate ||
		me.Phone != want.Phone || me.Email != want.Email || me.RealNameState != want.RealNameState {
		t.Fatalf("me = %+v\nwant masked fields like %+v", me, want)
	}
	if st, e := c.do("DELETE", "/api/session", nil, nil); st != http.StatusNoContent {
		t.Fatalf("sign out: %d %+v", st, e)
	}
	if st, e := c.do("GET", "/api/me", nil, nil); st != http.StatusUnauthorized {
		t.Fatalf("me after sign-out: %d %+v", st, e)
	}
}

func TestRegistrationReportsEveryBadField(t *testing.T) {
	env := testenv.Start(t)
	c := newClient(t, env)
	req := registration(2, "12345")
	req.DocNumber = "110101199005151239" // wrong check character (unless it happens to be right)
	if req.DocNumber == idNumber("19900515", 123) {
		req.DocNumber = "110101199005151230"
	}
	req.Name = "Li Lei"
	req.PasswordConfirm = "something else"
	req.Agreed = false
	req.Captcha = "unused"
	st, e := c.do("POST", "/api/register", req, nil)
	if st != http.StatusBadRequest || e == nil {
		t.Fatalf("got %d %+v", st, e)
	}
	got := map[string]errcode.Code{}
	for _, f := range e.Fields {
		got[f.Field] = f.Code
		if f.Message != f.Code.Message() {
			t.Errorf("%s: message %q is not the code's Chinese message", f.Field, f.Message)
		}
	}
	for field, code := range map[string]errcode.Code{
		"doc_number": errcode.DocNumberChecksum, "name": errcode.NameInvalid, "phone": errcode.PhoneInvalid,
		"password_confirm": errcode.PasswordMismatch, "agreed": errcode.AgreementRequired, "code": errcode.CodeRequired,
	} {
		if got[field] != code {
			t.Errorf("field %s: got %q, want %q (all: %v)", field, got[field], code, got)
		}
	}
}

func TestRegistrationNeedsCaptchaAndRightCode(t *testing.T) {
	env := testenv.Start(t)
	c := newClient(t, env)
	req := registration(3, "13912345678")
	req.Code = c.smsCode(req.Phone)
	// No captcha pass.
	if _, e := c.do("POST", "/api/register", req, nil); e == nil || e.Code != errcode.CaptchaRequired {
		t.Fatalf("without captcha: %+v", e)
	}
	// A wrong code is reported at the code field and the code stays usable.
	right := req.Code
	req.Code = "000000"
	if right == "000000" {
		req.Code = "000001"
	}
	req.Captcha = c.captcha()
	if _, e := c.do("POST", "/api/register", req, nil); e == nil || e.Code != errcode.CodeInvalid || e.Field != "code" {
		t.Fatalf("wrong code: %+v", e)
	}
	req.Code, req.Captcha = right, c.captcha()
	if st, e := c.do("POST", "/api/register", req, nil); st != http.StatusCreated {
		t.Fatalf("right code after a wrong one: %d %+v", st, e)
	}
	// A captcha pass is single use.
	pass := c.captcha()
	var r api.SendCodeResponse
	c.do("POST", "/api/codes/sms", api.SendCodeRequest{Phone: "13700000000", Purpose: "register", Captcha: pass}, &r)
	if _, e := c.do("POST", "/api/codes/sms", api.SendCodeRequest{Phone: "13700000001", Purpose: "register", Captcha: pass}, nil); e == nil || e.Code != errcode.CaptchaRequired {
		t.Fatalf("reused pass: %+v", e)
	}
}

func TestSecondRegistrationOfANumberIsRefused(t *testing.T) {
	env := testenv.Start(t)
	c := newClient(t, env)
	req := registration(4, "13812345670")
	if st, e := c.register(req); st != http.StatusCreated {
		t.Fatalf("first: %d %+v", st, e)
	}
	req.Phone = "13812345671"
	st, e := c.register(req)
	if st != http.StatusConflict || e.Code != errcode.DocNumberTaken || e.Field != "doc_number" {
		t.Fatalf("second: %d %+v", st, e)
	}
}

func TestConcurrentRegistrationsOfOneNumberMakeOneAccount(t *testing.T) {
	env := testenv.Start(t)
	const n = 6
	reqs := make([]api.RegisterRequest, n)
	clients := make([]*client, n)
	for i := range reqs {
		clients[i] = newClient(t, env)
		reqs[i] = registration(5, "1381234560"+string(rune('0'+i)))
		reqs[i].Code = clients[i].smsCode(reqs[i].Phone)
		reqs[i].Captcha = clients[i].captcha()
	}
	var created, taken atomic.Int32
	var wg sync.WaitGroup
	for i := range reqs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st, e := clients[i].do("POST", "/api/register", reqs[i], nil)
			switch {
			case st == http.StatusCreated:
				created.Add(1)
			case e != nil && e.Code == errcode.DocNumberTaken:
				taken.Add(1)
			default:
				t.Errorf("unexpected %d %+v", st, e)
			}
		}()
	}
	wg.Wait()
	if created.Load() != 1 || taken.Load() != n-1 {
		t.Fatalf("created %d, taken %d; want 1 and %d", created.Load(), taken.Load(), n-1)
	}
	// The store allows one live account per number (its contract races that); this one is it.
	if _, err := env.Server.Stores.Accounts.ByDocNumber(context.Background(), reqs[0].DocNumber); err != nil {
		t.Fatalf("the live account: %v", err)
	}
}

// A legacy account's number is all an attacker needs to register again; that must neither take
// the legacy account over nor shut its holder out. Both accounts live until the new one proves
// its holder; then the legacy one is archived and its sessions end.
func TestLegacyReRegistrationWaitsForVerification(t *testing.T) {
	env := testenv.Start(t)
	ctx := context.Background()
	req := registration(6, "13812345672")
	const legacyPassword = "Old-Teacher-2017"
	legacy := &account.Account{ID: account.NewID(), DocType: api.DocIDCard, DocNumber: req.DocNumber, Name: "旧账号",
		Phone: "13600000006", Email: "old@example.com",
		PasswordHash: account.NewHasher(account.HashParams{MemoryKiB: 1024, Time: 1, Threads: 1}).Hash(legacyPassword),
		RealName:     account.RealNameNone, CreatedAt: time.Date(2018, 6, 1, 0, 0, 0, 0, time.UTC)}
	if err := env.Server.Stores.Accounts.Create(ctx, legacy); err != nil {
		t.Fatal(err)
	}
	holder := newClient(t, env)
	if st, e := holder.signIn(req.DocNumber, legacyPassword); e != nil {
		t.Fatalf("legacy holder signs in: %d %+v", st, e)
	}

	attacker := newClient(t, env)
	var res api.RegisterResponse
	req.Code = attacker.smsCode(req.Phone)
	req.Captcha = attacker.captcha()
	if st, e := attacker.do("POST", "/api/register", req, &res); st != http.StatusCreated || !res.SupersedesLegacy || res.ArchivedLegacy {
		t.Fatalf("register over legacy: %d %+v %+v", st, e, res)
	}
	// The legacy account is untouched: its session works and its password still signs in.
	if st, e := holder.do("GET", "/api/me", nil, nil); e != nil {
		t.Fatalf("legacy session after re-registration: %d %+v", st, e)
	}
	if st, e := newClient(t, env).signIn(req.DocNumber, legacyPassword); e != nil {
		t.Fatalf("legacy password after re-registration: %d %+v", st, e)
	}
	if live, err := env.Server.Stores.Accounts.ByDocNumber(ctx, req.DocNumber); err != nil || live.ID != legacy.ID {
		t.Fatalf("the number's holder: %+v, %v; want the legacy account", live, err)
	}
	// Its holder is told, at the legacy phone and e-mail.
	for _, to := range []string{legacy.Phone, legacy.Email} {
		msgs, err := env.Outbox(to)
		if err != nil || len(msgs) != 1 || !strings.Contains(msgs[0].Text, "重新注册") {
			t.Fatalf("notice to %s: %+v, %v", to, msgs, err)
		}
	}
	// The new account signs in with its own password.
	if st, e := attacker.signIn(req.DocNumber, req.Password); e != nil {
		t.Fatalf("new account signs in: %d %+v", st, e)
	}

	// Verification of the new account (real-name or manual review) archives the legacy one.
	archived, err := env.Server.Accounts.ArchiveSuperseded(ctx, res.AccountID, time.Now())
	if err != nil || !archived {
		t.Fatalf("archive superseded: %v, %v", archived, err)
	}
	if st, _ := holder.do("GET", "/api/me", nil, nil); st != http.StatusUnauthorized {
		t.Fatalf("legacy session after archiving: %d, want 401", st)
	}
	if _, e := newClient(t, env).signIn(req.DocNumber, legacyPassword); e == nil || e.Code != errcode.SignInFailed {
		t.Fatalf("legacy password after archiving: %+v", e)
	}
	if live, err := env.Server.Stores.Accounts.ByDocNumber(ctx, req.DocNumber); err != nil || live.ID != res.AccountID {
		t.Fatalf("the number's holder after archiving: %+v, %v", live, err)
	}
}

// A session is refused once its account is archived, even if the session record outlived the
// archiving (another instance, a race).
func TestSessionOfAnArchivedAccountIsRefused(t *testing.T) {
	env := testenv.Start(t)
	c := newClient(t, env)
	req := registration(16, "13812345616")
	if st, e := c.register(req); st != http.StatusCreated {
		t.Fatalf("register: %d %+v", st, e)
	}
	if st, e := c.signIn(req.DocNumber, req.Password); e != nil {
		t.Fatalf("sign in: %d %+v", st, e)
	}
	ctx := context.Background()
	acc, err := env.Server.Stores.Accounts.ByDocNumber(ctx, req.DocNumber)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := env.Server.Stores.Accounts.Archive(ctx, acc.ID, req.DocNumber, time.Now().Add(time.Hour), time.Now()); err != nil || !ok {
		t.Fatalf("archive: %v %v", ok, err)
	}
	if st, _ := c.do("GET", "/api/me", nil, nil); st != http.StatusUnauthorized {
		t.Fatalf("/api/me of an archived account: %d, want 401", st)
	}
}

func TestSignInErrorSaysNothingAboutTheAccount(t *testing.T) {
	env := testenv.Start(t)
	c := newClient(t, env)
	req := registration(7, "13812345673")
	c.register(req)
	_, wrongPassword := c.signIn(req.DocNumber, "not the password")
	_, noAccount := c.signIn(idNumber("19800101", 8), "not the password")
	if wrongPassword == nil || noAccount == nil || !reflect.DeepEqual(wrongPassword, noAccount) {
		t.Fatalf("wrong password: %+v; no account: %+v; want the same answer", wrongPassword, noAccount)
	}
	if wrongPassword.Code != errcode.SignInFailed || wrongPassword.Message != "证件号码或密码错误" {
		t.Fatalf("answer %+v", wrongPassword)
	}
}

func TestFiftyConcurrentWrongPasswordsGetFiveChecks(t *testing.T) {
	env := testenv.Start(t)
	c := newClient(t, env)
	req := registration(9, "13812345674")
	c.register(req)
	passes := make([]string, 50)
	for i := range passes {
		passes[i] = c.captcha()
	}
	var failed, locked atomic.Int32
	var wg sync.WaitGroup
	for i := range passes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cl := newClient(t, env)
			_, e := cl.do("POST", "/api/session", api.SignInRequest{DocNumber: req.DocNumber, Password: "wrong password " + string(rune('a'+i%26)), Captcha: passes[i]}, nil)
			switch {
			case e != nil && e.Code == errcode.SignInFailed:
				failed.Add(1)
			case e != nil && e.Code == errcode.AccountLocked:
				locked.Add(1)
				if e.RetryAfter <= 0 || e.RetryAfter > 15*60 {
					t.Errorf("retry after %d", e.RetryAfter)
				}
			default:
				t.Errorf("unexpected %+v", e)
			}
		}()
	}
	wg.Wait()
	if failed.Load() != 5 || locked.Load() != 45 {
		t.Fatalf("%d checked, %d locked; want 5 and 45", failed.Load(), locked.Load())
	}
	// Locked means locked, even for the right password.
	if _, e := c.signIn(req.DocNumber, req.Password); e == nil || e.Code != errcode.AccountLocked {
		t.Fatalf("right password while locked: %+v", e)
	}
}

func TestClientAddressIsSlowedAfterManyFailures(t *testing.T) {
	env := testenv.Start(t)
	c := newClient(t, env)
	for i := 0; i < 30; i++ {
		if _, e := c.signIn(idNumber("19800101", i), "wrong password"); e == nil || e.Code != errcode.SignInFailed {
			t.Fatalf("failure %d: %+v", i, e)
		}
	}
	st, e := c.signIn(idNumber("19800101", 31), "wrong password")
	if st != http.StatusTooManyRequests || e.Code != errcode.TooManyRequests || e.RetryAfter <= 0 {
		t.Fatalf("31st failure from one address: %d %+v", st, e)
	}
}

func TestWritesNeedTheCSRFTokenAndTheSameOrigin(t *testing.T) {
	env := testenv.Start(t)
	c := newClient(t, env)
	req := registration(10, "13812345675")
	c.register(req)
	c.signIn(req.DocNumber, req.Password)
	token := c.csrf
	c.csrf = ""
	if st, e := c.do("DELETE", "/api/session", nil, nil); st != http.StatusForbidden || e.Code != errcode.CSRFFailed {
		t.Fatalf("sign-out without token: %d %+v", st, e)
	}
	c.csrf = "forged"
	if st, _ := c.do("DELETE", "/api/session", nil, nil); st != http.StatusForbidden {
		t.Fatalf("sign-out with a forged token: %d", st)
	}
	c.csrf = token
	// A cross-site form post is refused before anything else.
	r, _ := http.NewRequest("POST", env.URL+"/api/session", strings.NewReader(`{}`))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Origin", "https://evil.example")
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-origin sign-in: %d", resp.StatusCode)
	}
	if st, _ := c.do("DELETE", "/api/session", nil, nil); st != http.StatusNoContent {
		t.Fatalf("sign-out with the token: %d", st)
	}
}

func TestBadRequestsGetClearErrors(t *testing.T) {
	env := testenv.Start(t)
	post := func(ctype, body string) (int, string) {
		r, _ := http.NewRequest("POST", env.URL+"/api/register", strings.NewReader(body))
		if ctype != "" {
			r.Header.Set("Content-Type", ctype)
		}
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var e api.ErrorResponse
		_ = json.NewDecoder(resp.Body).Decode(&e)
		return resp.StatusCode, string(e.Code)
	}
	for _, tc := range []struct {
		name, ctype, body string
		status            int
		code              errcode.Code
	}{
		{"not JSON", "application/json", "{", 400, errcode.BadRequest},
		{"form post", "application/x-www-form-urlencoded", "a=b", 400, errcode.BadRequest},
		{"JSON too large", "application/json", `{"name":"` + strings.Repeat("a", 70<<10) + `"}`, 413, errcode.BodyTooLarge},
	} {
		st, code := post(tc.ctype, tc.body)
		if st != tc.status || code != string(tc.code) {
			t.Errorf("%s: %d %s, want %d %s", tc.name, st, code, tc.status, tc.code)
		}
	}
	// A body far over the server's limit (past what the connection reads) is refused from its
	// Content-Length, before it is read; one just over it is read and refused
	// (TestOversizedRequestsGetTheirStatus).
	conn, err := net.Dial("tcp", strings.TrimPrefix(env.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "POST /api/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", 8<<20)
	big, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	var bigErr api.ErrorResponse
	_ = json.NewDecoder(big.Body).Decode(&bigErr)
	conn.Close()
	if big.StatusCode != http.StatusRequestEntityTooLarge || bigErr.Code != errcode.BodyTooLarge {
		t.Fatalf("8 MiB body: %d %+v", big.StatusCode, bigErr)
	}
	resp, err := http.Get(env.URL + "/api/nothing-here")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Fatalf("unknown API path: %d", resp.StatusCode)
	}
}

// TestCodeInPlaceOfThePuzzle is the accessible alternative: a code by SMS, asked for without a
// captcha, buys one pass that guards a sign-in as a solved puzzle does; a wrong code buys
// nothing, and the code's own limits hold (one a minute per phone).
func TestCodeInPlaceOfThePuzzle(t *testing.T) {
	env := testenv.Start(t)
	c := newClient(t, env)
	const phone = "13612345678"
	if _, e := c.do("POST", "/api/codes/captcha", api.CaptchaCodeRequest{Phone: "1234"}, nil); e == nil || e.Field != "phone" {
		t.Fatalf("bad phone: %+v", e)
	}
	var sent api.SendCodeResponse
	if st, e := c.do("POST", "/api/codes/captcha", api.CaptchaCodeRequest{Phone: phone}, &sent); st != http.StatusOK {
		t.Fatalf("send: %d %+v", st, e)
	}
	if _, e := c.do("POST", "/api/codes/captcha", api.CaptchaCodeRequest{Phone: phone}, nil); e == nil || e.Code != errcode.CodeRateLimited {
		t.Fatalf("second send within a minute: %+v", e)
	}
	ctx := context.Background()
	code, err := env.LastCode(ctx, phone)
	if err != nil {
		t.Fatal(err)
	}
	wrong := "000000"
	if code == wrong {
		wrong = "000001"
	}
	if _, e := c.do("POST", "/api/codes/captcha/check", api.CaptchaCodeCheck{Phone: phone, Code: wrong}, nil); e == nil || e.Code != errcode.CodeInvalid || e.Field != "code" {
		t.Fatalf("wrong code: %+v", e)
	}
	var pass api.CaptchaPass
	if st, e := c.do("POST", "/api/codes/captcha/check", api.CaptchaCodeCheck{Phone: phone, Code: code}, &pass); st != http.StatusOK || pass.Pass == "" {
		t.Fatalf("right code: %d %+v", st, e)
	}
	if _, e := c.do("POST", "/api/codes/captcha/check", api.CaptchaCodeCheck{Phone: phone, Code: code}, nil); e == nil || e.Code != errcode.CodeExpired {
		t.Fatalf("the code used again: %+v", e)
	}
	// The pass guards a sign-in (here of no account: the generic answer, not a captcha error).
	req := api.SignInRequest{DocNumber: idNumber("19900101", 7), Password: "wrong password", Captcha: pass.Pass}
	if _, e := c.do("POST", "/api/session", req, nil); e == nil || e.Code != errcode.SignInFailed {
		t.Fatalf("sign-in with the pass: %+v", e)
	}
	if _, e := c.do("POST", "/api/session", req, nil); e == nil || e.Code != errcode.CaptchaRequired {
		t.Fatalf("the pass used again: %+v", e)
	}
}
