package httpapi_test

import (
	"net/http"
	"testing"

	"jszg/server/testenv"
	"jszg/shared/api"
	"jszg/shared/errcode"
)

// sample is the README's sample identity, known to the stand-in authority.
func sample(phone string) api.RegisterRequest {
	r := registration(0, phone)
	r.DocNumber, r.Name = "11010519491231002X", "张三"
	r.ValidityTerm, r.ValidFrom, r.ValidUntil = api.TermLongTerm, "2010-01-01", ""
	return r
}

func TestBusinessGateAndRealNameOverHTTP(t *testing.T) {
	env := testenv.Start(t)

	// An applicant the authority has no record of: three failures, then the day's quota.
	c := newClient(t, env)
	req := registration(7, "13800000007")
	if st, e := c.register(req); e != nil {
		t.Fatalf("register: %d %+v", st, e)
	}
	if st, e := c.signIn(req.DocNumber, req.Password); e != nil {
		t.Fatalf("sign in: %d %+v", st, e)
	}
	st, e := c.do("GET", "/api/me/entries/certification", nil, nil)
	if st != http.StatusForbidden || e.Code != errcode.RealNameRequired {
		t.Fatalf("gate for an unverified account: %d %+v", st, e)
	}
	var status api.RealNameStatus
	if st, e := c.do("GET", "/api/me/realname", nil, &status); e != nil || status.Remaining != 3 || status.Name != req.Name {
		t.Fatalf("status: %d %+v %+v", st, e, status)
	}
	for want := 2; want >= 0; want-- {
		var res api.RealNameResult
		if st, e := c.do("POST", "/api/me/realname", struct{}{}, &res); e != nil || res.Verified || res.Remaining != want {
			t.Fatalf("attempt: %d %+v %+v", st, e, res)
		}
	}
	st, e = c.do("POST", "/api/me/realname", struct{}{}, nil)
	if st != http.StatusTooManyRequests || e.Code != errcode.RealNameQuota || e.RetryAfter == 0 {
		t.Fatalf("fourth attempt: %d %+v", st, e)
	}

	// The sample identity passes, then the gate opens.
	z := newClient(t, env)
	zr := sample("13800000008")
	if st, e := z.register(zr); e != nil {
		t.Fatalf("register sample: %d %+v", st, e)
	}
	if st, e := z.signIn(zr.DocNumber, zr.Password); e != nil {
		t.Fatalf("sign in: %d %+v", st, e)
	}
	var res api.RealNameResult
	if st, e := z.do("POST", "/api/me/realname", struct{}{}, &res); e != nil || !res.Verified {
		t.Fatalf("verify sample: %d %+v %+v", st, e, res)
	}
	var me api.Me
	z.do("GET", "/api/me", nil, &me)
	if me.RealNameState != "verified" {
		t.Fatalf("state %q", me.RealNameState)
	}
	var entry api.EntryResponse
	if st, e := z.do("GET", "/api/me/entries/registration", nil, &entry); e != nil || entry.Redirect == "" {
		t.Fatalf("gate for a verified account: %d %+v %+v", st, e, entry)
	}
	if st, _ := z.do("GET", "/api/me/entries/nonsense", nil, nil); st != http.StatusNotFound {
		t.Fatalf("unknown entry: %d", st)
	}
}
