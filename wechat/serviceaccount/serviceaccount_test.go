package serviceaccount

import (
	"errors"
	"strings"
	"testing"
)

// SDK errors carry whole request URLs; what the adapter returns must not.
func TestErrorsAreRedacted(t *testing.T) {
	for _, tc := range []struct {
		sdk      string
		code     int
		secrets  []string
		retrying bool
	}{
		{"http get error : uri=https://api.weixin.qq.com/cgi-bin/token?grant_type=client_credential&appid=wx1&secret=S3CRET , statusCode=502", 0, []string{"S3CRET"}, true},
		{`Post "https://api.weixin.qq.com/cgi-bin/message/template/send?access_token=TOK123": dial tcp: i/o timeout`, 0, []string{"TOK123"}, true},
		{"http get error : uri=https://api.weixin.qq.com/sns/oauth2/access_token?appid=wx1&secret=S3CRET&code=C0DE&grant_type=authorization_code , statusCode=500", 0, []string{"S3CRET", "C0DE"}, true},
		{"template msg send error : errcode=43004 , errmsg=require subscribe", 43004, nil, false},
		{"get qr_ticket error : errcode=40001 , errormsg=invalid credential", 40001, nil, true},
		{"GetUserInfo Error , errcode=-1 , errmsg=system error", -1, nil, true},
	} {
		err := wrap("op", errors.New(tc.sdk))
		var e *APIError
		if !errors.As(err, &e) || e.Code != tc.code || e.Retryable() != tc.retrying {
			t.Errorf("%q: %+v", tc.sdk, err)
		}
		for _, s := range tc.secrets {
			if strings.Contains(err.Error(), s) {
				t.Errorf("%q leaks %s: %v", tc.sdk, s, err)
			}
		}
	}
	if !IsTokenRejected(wrap("op", errors.New("errcode=42001 , errmsg=access_token expired"))) {
		t.Error("42001 is a rejected token")
	}
}

// The SDK's HTTP client is process-wide: a second API base in one process is refused.
func TestOneAPIBasePerProcess(t *testing.T) {
	cfg := Config{AppID: "wx1", AppSecret: "s", Token: "t", APIBase: "http://127.0.0.1:1"}
	if _, err := New(cfg); err != nil {
		t.Fatal(err)
	}
	if _, err := New(cfg); err != nil {
		t.Fatalf("same base again: %v", err)
	}
	cfg.APIBase = "http://127.0.0.1:2"
	if _, err := New(cfg); err == nil {
		t.Fatal("a second API base was accepted")
	}
	cfg.APIBase = ""
	if _, err := New(cfg); err == nil {
		t.Fatal("WeChat itself was accepted after a stand-in")
	}
	if got := rewriteString("https://open.weixin.qq.com/connect/oauth2/authorize?appid=wx1&state=s#wechat_redirect"); got != "http://127.0.0.1:1/connect/oauth2/authorize?appid=wx1&state=s#wechat_redirect" {
		t.Fatalf("authorize URL %s", got)
	}
}
