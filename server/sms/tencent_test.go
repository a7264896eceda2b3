package sms

import (
	"context"
	"errors"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"jszg/server/sms/smsfake"
)

const (
	secretID  = "AKIDjszgTESTONLY0000000000000000"
	secretKey = "jszgTESTONLYsecretkey00000000000"
	appID     = "1400000001"
	phone     = "13812345678"
	code      = "804213"
)

func startFake(t *testing.T) *smsfake.Server {
	t.Helper()
	f, err := smsfake.Start(smsfake.Config{SecretID: secretID, SecretKey: secretKey, SdkAppID: appID})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = f.Close() })
	return f
}

func newTencent(t *testing.T, endpoint string, edit func(*TencentConfig)) *Tencent {
	t.Helper()
	cfg := TencentConfig{
		SecretID: secretID, SecretKey: secretKey, SdkAppID: appID,
		SignName: "中国教师资格网", TemplateID: "2000001", Endpoint: endpoint,
	}
	if edit != nil {
		edit(&cfg)
	}
	s, err := NewTencent(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSendCodeReachesTheNumber(t *testing.T) {
	f := startFake(t)
	s := newTencent(t, f.URL, nil)
	if err := s.SendCode(context.Background(), phone, code, 5); err != nil {
		t.Fatalf("send: %v", err)
	}
	msgs := f.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages recorded, want 1", len(msgs))
	}
	m := msgs[0]
	if m.Phone != "+86"+phone || !slices.Equal(m.Params, []string{code, "5"}) ||
		m.SdkAppID != appID || m.SignName != "中国教师资格网" || m.TemplateID != "2000001" {
		t.Errorf("recorded %+v", m)
	}
	if last, ok := f.Last(phone); !ok || last.Params[0] != code {
		t.Errorf("last message to %s: %+v %v", phone, last, ok)
	}
}

func TestSendCodeFailures(t *testing.T) {
	f := startFake(t)
	for name, tc := range map[string]struct {
		edit     func(*TencentConfig)
		setup    func()
		phone    string
		kind     error
		provider string
	}{
		"bad secret key": {
			edit: func(c *TencentConfig) { c.SecretKey = "not-the-key" },
			kind: ErrUnavailable, provider: "AuthFailure.SignatureFailure",
		},
		"unknown secret id": {
			edit: func(c *TencentConfig) { c.SecretID = "AKIDunknown" },
			kind: ErrUnavailable, provider: "AuthFailure.SecretIdNotFound",
		},
		"wrong SMS application": {
			edit: func(c *TencentConfig) { c.SdkAppID = "1400999999" },
			kind: ErrUnavailable, provider: "UnauthorizedOperation.SmsSdkAppIdVerifyFail",
		},
		"unsupported region": {
			edit: func(c *TencentConfig) { c.Region = "ap-shanghai" },
			kind: ErrUnavailable, provider: "UnsupportedRegion",
		},
		"daily limit of the number": {
			setup: func() {
				f.FailNext("LimitExceeded.PhoneNumberDailyLimit", "单个手机号日下发短信条数超过设定的上限")
			},
			kind: ErrRateLimited, provider: "LimitExceeded.PhoneNumberDailyLimit",
		},
		"out of balance": {
			setup: func() { f.FailNext("FailedOperation.InsufficientBalanceInSmsPackage", "套餐包余量不足") },
			kind:  ErrUnavailable, provider: "FailedOperation.InsufficientBalanceInSmsPackage",
		},
		"template not approved": {
			setup: func() {
				f.FailNext("FailedOperation.TemplateIncorrectOrUnapproved", "模板未审批或内容不匹配")
			},
			kind: ErrUnavailable, provider: "FailedOperation.TemplateIncorrectOrUnapproved",
		},
		"malformed number, per API": {
			setup: func() { f.FailNext("InvalidParameterValue.IncorrectPhoneNumber", "手机号格式错误") },
			kind:  ErrPhoneRejected, provider: "InvalidParameterValue.IncorrectPhoneNumber",
		},
		"number blacklisted, per status": {
			setup: func() { f.RejectNext("FailedOperation.PhoneNumberInBlacklist", "手机号在免打扰名单库中") },
			kind:  ErrPhoneRejected, provider: "FailedOperation.PhoneNumberInBlacklist",
		},
		"30-second limit, per status": {
			setup: func() {
				f.RejectNext("LimitExceeded.PhoneNumberThirtySecondLimit", "单个手机号30秒内下发短信条数超过设定的上限 +8613812345678")
			},
			kind: ErrRateLimited, provider: "LimitExceeded.PhoneNumberThirtySecondLimit",
		},
		"internal error, per status": {
			setup: func() { f.RejectNext("InternalError.Timeout", "请求下发短信超时") },
			kind:  ErrUnavailable, provider: "InternalError.Timeout",
		},
		"not a mainland mobile": {
			phone: "23812345678", kind: ErrPhoneRejected,
		},
	} {
		t.Run(name, func(t *testing.T) {
			before := len(f.Messages())
			if tc.setup != nil {
				tc.setup()
			}
			p := phone
			if tc.phone != "" {
				p = tc.phone
			}
			err := newTencent(t, f.URL, tc.edit).SendCode(context.Background(), p, code, 5)
			if !errors.Is(err, tc.kind) {
				t.Fatalf("got %v, want %v", err, tc.kind)
			}
			var e *Error
			if !errors.As(err, &e) || e.Code != tc.provider {
				t.Errorf("provider code %q, want %q", e.Code, tc.provider)
			}
			if msg := err.Error(); strings.Contains(msg, code) || strings.Contains(msg, "12345678") {
				t.Errorf("error shows the code or the number: %s", msg)
			}
			if n := len(f.Messages()); n != before {
				t.Errorf("a refused send was recorded as delivered")
			}
		})
	}
}

func TestSendCodeTimesOut(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-release })}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { close(release); _ = srv.Close() })

	s := newTencent(t, "http://"+l.Addr().String(), func(c *TencentConfig) { c.Timeout = 200 * time.Millisecond })
	began := time.Now()
	err = s.SendCode(context.Background(), phone, code, 5)
	if !errors.Is(err, ErrUnavailable) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("got %v, want an unavailable deadline error", err)
	}
	if d := time.Since(began); d > 2*time.Second {
		t.Errorf("gave up after %v", d)
	}
}

func TestNewTencentNeedsConfiguration(t *testing.T) {
	if _, err := NewTencent(TencentConfig{SecretID: secretID}); err == nil ||
		!strings.Contains(err.Error(), "secret key") || strings.Contains(err.Error(), secretID) {
		t.Errorf("incomplete configuration: %v", err)
	}
	for _, e := range []string{"ftp://x", "http://"} {
		if _, err := NewTencent(TencentConfig{
			SecretID: "a", SecretKey: "b", SdkAppID: "c", SignName: "d", TemplateID: "e", Endpoint: e,
		}); err == nil {
			t.Errorf("endpoint %q accepted", e)
		}
	}
}

func TestScrub(t *testing.T) {
	for in, want := range map[string]string{
		"手机号 +8613812345678 超限": "手机号 +************* 超限",
		"code 804213 sent":      "code ****** sent",
		"limit 30 s":            "limit 30 s",
	} {
		if got := scrub(in); got != want {
			t.Errorf("scrub(%q) = %q, want %q", in, got, want)
		}
	}
}
