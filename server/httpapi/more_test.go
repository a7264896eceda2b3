package httpapi_test

import (
	"fmt"
	"net/http"
	"testing"

	"jszg/server/config"
	"jszg/server/httpapi"
	"jszg/server/testenv"
	"jszg/shared/api"
	"jszg/shared/document"
	"jszg/shared/errcode"
)

func TestResidencePermitHolderRegisters(t *testing.T) {
	env := testenv.Start(t)
	c := newClient(t, env)
	body := fmt.Sprintf("810000%s%03d", "19900101", 77)
	ch, _ := document.ChecksumChar(body)
	req := registration(0, "13912340001")
	req.DocType, req.DocNumber, req.Region = api.DocResidencePermit, body+string(ch), api.RegionHongKong
	req.PermitNumber, req.LocalID = "h12345678", "A123456(3)"
	req.ValidityTerm, req.ValidFrom, req.ValidUntil = api.Term5Years, "2024-01-01", "2029-01-01"
	req.Name = "周江"
	if st, e := c.register(req); st != http.StatusCreated {
		t.Fatalf("register: %d %+v", st, e)
	}
	c.signIn(req.DocNumber, req.Password)
	var me api.Me
	c.do("GET", "/api/me", nil, &me)
	if me.DocType != api.DocResidencePermit || me.Region != "HK" || me.PermitNumber != "H1****78" || me.ValidUntil != "2029-01-01" {
		t.Fatalf("me = %+v", me)
	}
	// The region must match the number's prefix.
	req.Region = api.RegionMacau
	req.PermitNumber = "M12345678"
	req.Captcha = "x"
	if _, e := c.do("POST", "/api/register", req, nil); e == nil || e.Field != "doc_number" || e.Code != errcode.RegionMismatch {
		t.Fatalf("Macau region with a Hong Kong number: %+v", e)
	}
}

func TestSecondCodeWithinAMinuteIsRefusedWithRetryAfter(t *testing.T) {
	env := testenv.Start(t)
	c := newClient(t, env)
	c.smsCode("13812340002")
	st, e := c.do("POST", "/api/codes/sms", api.SendCodeRequest{Phone: "13812340002", Purpose: "register", Captcha: c.captcha()}, nil)
	if st != http.StatusTooManyRequests || e.Code != errcode.CodeRateLimited || e.RetryAfter < 1 || e.RetryAfter > 60 {
		t.Fatalf("second send: %d %+v", st, e)
	}
	// A bad phone is refused before the captcha pass is spent.
	pass := c.captcha()
	if _, e := c.do("POST", "/api/codes/sms", api.SendCodeRequest{Phone: "12345", Purpose: "register", Captcha: pass}, nil); e == nil || e.Code != errcode.PhoneInvalid || e.Field != "phone" {
		t.Fatalf("bad phone: %+v", e)
	}
	if st, e := c.do("POST", "/api/codes/sms", api.SendCodeRequest{Phone: "13812340003", Purpose: "register", Captcha: pass}, nil); e != nil {
		t.Fatalf("the pass was spent on a bad phone: %d %+v", st, e)
	}
}

func TestSignInReturnsToTheEntryOrAKnownBusinessSystem(t *testing.T) {
	env := testenv.Start(t, testenv.WithConfig(func(c *config.Config) { c.ReturnHosts = []string{"rd.jszg.example"} }))
	c := newClient(t, env)
	req := registration(11, "13812340004")
	c.register(req)
	for _, tc := range []struct{ entry, returnTo, want string }{
		{"", "", "/profile"},
		{api.EntryCertification, "", "/profile?entry=certification"},
		{api.EntryRegistration, "", "/profile?entry=registration"},
		{"", "https://rd.jszg.example/apply?x=1", "https://rd.jszg.example/apply?x=1"},
		{"", "https://evil.example/", "/profile"},
		{"", "//evil.example/", "/profile"},
		{"", "/profile#tab", "/profile#tab"},
	} {
		var r api.SignInResponse
		st, e := c.do("POST", "/api/session", api.SignInRequest{DocNumber: req.DocNumber, Password: req.Password, Captcha: c.captcha(), Entry: tc.entry, ReturnTo: tc.returnTo}, &r)
		if e != nil || r.Redirect != tc.want {
			t.Errorf("entry %q return_to %q: %d %+v redirect %q, want %q", tc.entry, tc.returnTo, st, e, r.Redirect, tc.want)
		}
	}
}

func TestCaptchaPuzzlesPerAddressAreBounded(t *testing.T) {
	env := testenv.Start(t)
	saved := httpapi.CaptchaPerAddress.Max
	httpapi.CaptchaPerAddress.Max = 3
	defer func() { httpapi.CaptchaPerAddress.Max = saved }()
	c := newClient(t, env)
	for i := 0; i < 3; i++ {
		if st, e := c.do("GET", "/api/captcha", nil, nil); e != nil {
			t.Fatalf("puzzle %d: %d %+v", i+1, st, e)
		}
	}
	st, e := c.do("GET", "/api/captcha", nil, nil)
	if st != http.StatusTooManyRequests || e.Code != errcode.TooManyRequests || e.RetryAfter < 1 {
		t.Fatalf("fourth puzzle: %d %+v", st, e)
	}
}

// TestUndeliveredCodeIsWithdrawn: when the SMS provider refuses, the applicant is told why in
// Chinese and may ask again at once (the cooldown was given back).
func TestUndeliveredCodeIsWithdrawn(t *testing.T) {
	env := testenv.Start(t)
	c := newClient(t, env)
	for _, tc := range []struct {
		provider string
		status   int
		code     errcode.Code
		field    string
	}{
		{"FailedOperation.InsufficientBalanceInSmsPackage", http.StatusServiceUnavailable, errcode.Unavailable, ""},
		{"InvalidParameterValue.IncorrectPhoneNumber", http.StatusBadRequest, errcode.PhoneInvalid, "phone"},
		{"LimitExceeded.PhoneNumberDailyLimit", http.StatusTooManyRequests, errcode.CodeRateLimited, ""},
	} {
		env.Server.SMSStandIn.FailNext(tc.provider, "refused by the stand-in")
		st, e := c.do("POST", "/api/codes/sms", api.SendCodeRequest{Phone: "13812340030", Purpose: "register", Captcha: c.captcha()}, nil)
		if st != tc.status || e == nil || e.Code != tc.code || e.Field != tc.field {
			t.Errorf("%s: %d %+v", tc.provider, st, e)
		}
	}
	// Nothing was delivered and nothing holds the phone's cooldown: the next send goes out.
	if got := c.smsCode("13812340030"); len(got) != 6 {
		t.Fatalf("code after the failures: %q", got)
	}
}
