package profile_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"
	"time"

	"jszg/server/account"
	"jszg/server/config"
	"jszg/server/testenv"
	"jszg/shared/api"
	"jszg/shared/document"
	"jszg/shared/errcode"
)

const pw = "Teach3r-Qual!ty"

type client struct {
	t    *testing.T
	env  *testenv.Env
	c    *http.Client
	csrf string
}

func (c *client) do(method, path string, in, out any) (int, errcode.Code) {
	c.t.Helper()
	b, _ := json.Marshal(in)
	req, _ := http.NewRequest(method, c.env.URL+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", c.csrf)
	resp, err := c.c.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode < 300 && out != nil {
		_ = json.Unmarshal(raw, out)
	}
	var e api.ErrorResponse
	_ = json.Unmarshal(raw, &e)
	return resp.StatusCode, e.Code
}

func signedIn(t *testing.T, env *testenv.Env, a *account.Account) *client {
	jar, _ := cookiejar.New(nil)
	c := &client{t: t, env: env, c: &http.Client{Jar: jar, Timeout: 10 * time.Second}}
	var res api.SignInResponse
	if st, code := c.do("POST", "/api/session", api.SignInRequest{DocNumber: a.DocNumber, Password: pw, Captcha: "off"}, &res); st != 200 {
		t.Fatalf("sign-in: %d %s", st, code)
	}
	c.csrf = res.CSRFToken
	return c
}

func setup(t *testing.T) (*testenv.Env, *account.Account) {
	env := testenv.Start(t, testenv.WithConfig(func(c *config.Config) { c.CaptchaOff = true }))
	body := "11010519800303123"
	ch, _ := document.ChecksumChar(body)
	a := &account.Account{ID: account.NewID(), DocType: api.DocIDCard, DocNumber: body + string(ch), Name: "王五", Sex: "男",
		BirthDate: "1980-03-03", Ethnicity: "汉族", ValidityTerm: api.Term20Years, ValidFrom: "2020-01-01", ValidUntil: "2040-01-01", Email: "w@qq.com",
		Phone: "13700001111", RealName: account.RealNameNone, CreatedAt: time.Now(),
		PasswordHash: account.NewHasher(account.HashParams{MemoryKiB: 1024, Time: 1, Threads: 1}).Hash(pw)}
	if err := env.Server.Stores.Accounts.Create(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	return env, a
}

// 修改密码 needs the old password, keeps this session and ends the others.
func TestChangePassword(t *testing.T) {
	env, a := setup(t)
	other := signedIn(t, env, a)
	me := signedIn(t, env, a)
	if st, code := me.do("PUT", "/api/me/password", api.ChangePasswordRequest{OldPassword: "wrong-one!", Password: "Quiet-Harbour-2026", PasswordConfirm: "Quiet-Harbour-2026"}, nil); code != errcode.PasswordOldWrong {
		t.Fatalf("wrong old password: %d %s", st, code)
	}
	if st, code := me.do("PUT", "/api/me/password", api.ChangePasswordRequest{OldPassword: pw, Password: "Quiet-Harbour-2026", PasswordConfirm: "Quiet-Harbour-2026"}, nil); st != 204 {
		t.Fatalf("change: %d %s", st, code)
	}
	if st, _ := me.do("GET", "/api/me", nil, nil); st != 200 {
		t.Fatalf("this session after the change: %d", st)
	}
	if st, _ := other.do("GET", "/api/me", nil, nil); st != 401 {
		t.Fatalf("the other session after the change: %d", st)
	}
}

// 修改手机号码: a code to the new phone and the current password; the old phone is told.
func TestChangePhone(t *testing.T) {
	env, a := setup(t)
	me := signedIn(t, env, a)
	if st, code := me.do("POST", "/api/me/phone/code", api.PhoneCodeRequest{Phone: a.Phone}, nil); code != errcode.PhoneUnchanged {
		t.Fatalf("same phone: %d %s", st, code)
	}
	if st, code := me.do("POST", "/api/me/phone/code", api.PhoneCodeRequest{Phone: "13911112222"}, nil); st != 200 {
		t.Fatalf("code: %d %s", st, code)
	}
	code, err := env.LastCode(context.Background(), "13911112222")
	if err != nil {
		t.Fatal(err)
	}
	if st, c := me.do("PUT", "/api/me/phone", api.ChangePhoneRequest{Phone: "13911112222", Code: code, Password: "wrong-one!"}, nil); c != errcode.PasswordOldWrong {
		t.Fatalf("wrong password: %d %s", st, c)
	}
	var got api.Me
	if st, c := me.do("PUT", "/api/me/phone", api.ChangePhoneRequest{Phone: "13911112222", Code: code, Password: pw}, &got); st != 200 || got.Phone != "139****2222" {
		t.Fatalf("change: %d %s %+v", st, c, got)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		msgs, _ := env.Outbox(a.Phone)
		if len(msgs) > 0 && strings.Contains(msgs[0].Text, "手机号码已修改为139****2222") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("old phone not told: %+v", msgs)
		}
		time.Sleep(30 * time.Millisecond)
	}
}

// 修改个人身份信息: 民族 changes at once; a new name is staged until verification applies it.
func TestIdentityStagedUntilVerification(t *testing.T) {
	env, a := setup(t)
	me := signedIn(t, env, a)
	req := api.IdentityUpdate{Ethnicity: "火星族", Name: a.Name, ValidityTerm: a.ValidityTerm, ValidFrom: a.ValidFrom, ValidUntil: a.ValidUntil}
	if st, code := me.do("PUT", "/api/me/identity", req, nil); code != errcode.EthnicityInvalid {
		t.Fatalf("unknown ethnicity: %d %s", st, code)
	}
	req.Ethnicity, req.Name = "回族", "王五六"
	var res api.IdentityUpdateResult
	if st, code := me.do("PUT", "/api/me/identity", req, &res); st != 200 || !res.Staged {
		t.Fatalf("update: %d %s %+v", st, code, res)
	}
	if res.Me.Ethnicity != "回族" || res.Me.FullName != "王五" || res.Me.Staged == nil || res.Me.Staged.Name != "王五六" {
		t.Fatalf("after the update: %+v (staged %+v)", res.Me, res.Me.Staged)
	}
	ok, err := env.Server.API.Accounts().ApplyStagedIdentity(context.Background(), a.ID)
	if err != nil || !ok {
		t.Fatalf("apply: %v %v", ok, err)
	}
	var after api.Me
	me.do("GET", "/api/me", nil, &after)
	if after.FullName != "王五六" || after.Staged != nil {
		t.Fatalf("after verification: %+v", after)
	}
}

// A residence permit holder's page cannot show the permit numbers whole: left empty they stay as
// they are while 民族 changes; given, they are checked and replace the old ones.
func TestIdentityKeepsPermitNumbersLeftEmpty(t *testing.T) {
	env, _ := setup(t)
	a := &account.Account{ID: account.NewID(), DocType: api.DocResidencePermit, Region: api.RegionHongKong,
		DocNumber: "810000199001011230", Name: "周江", Sex: "男", BirthDate: "1990-01-01", ValidityTerm: api.Term5Years,
		ValidFrom: "2023-07-01", ValidUntil: "2028-07-01", Email: "z@163.com", Phone: "13900002222",
		PermitNumber: "H00367998", LocalID: "A123456(3)", RealName: account.RealNameNone, CreatedAt: time.Now(),
		PasswordHash: account.NewHasher(account.HashParams{MemoryKiB: 1024, Time: 1, Threads: 1}).Hash(pw)}
	if err := env.Server.Stores.Accounts.Create(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	me := signedIn(t, env, a)
	req := api.IdentityUpdate{Ethnicity: "其他", Name: a.Name, ValidityTerm: a.ValidityTerm, ValidFrom: a.ValidFrom, ValidUntil: a.ValidUntil}
	if st, code := me.do("PUT", "/api/me/identity", req, nil); st != 200 {
		t.Fatalf("民族 alone: %d %s", st, code)
	}
	got, err := env.Server.Stores.Accounts.ByID(context.Background(), a.ID)
	if err != nil || got.Ethnicity != "其他" || got.PermitNumber != "H00367998" || got.LocalID != "A123456(3)" {
		t.Fatalf("after 民族 alone: %+v %v", got, err)
	}
	req.PermitNumber, req.LocalID = "H1234", ""
	if st, code := me.do("PUT", "/api/me/identity", req, nil); st != 400 || code == "" {
		t.Fatalf("a wrong permit number: %d %s", st, code)
	}
}
