package app

import (
	"net/url"
	"testing"

	"jszg/shared/errcode"
)

// Every way WeChat's authorization can come back to the personal centre has its Chinese message.
func TestOAuthOutcome(t *testing.T) {
	for query, want := range map[string]struct {
		msg string
		ok  bool
	}{
		"":                                 {"", false},
		"tab=identity":                     {"", false},
		"wechat=bound":                     {msgBound, true},
		"wechat_error=denied":              {"微信授权未完成，帐号未绑定。请重新点击“微信授权绑定”并在微信中确认。", false},
		"wechat_error=openid_taken":        {errcode.WeChatOpenIDTaken.Message(), false},
		"wechat_error=account_bound":       {errcode.WeChatAccountBound.Message(), false},
		"wechat_error=unavailable":         {"微信服务暂时不可用，帐号未绑定，请稍后再试。", false},
		"wechat_error=something_new":       {"微信绑定未成功，请重试。", false},
		"wechat=bound&wechat_error=denied": {msgBound, true},
	} {
		q, _ := url.ParseQuery(query)
		msg, ok := oauthOutcome(q)
		if msg != want.msg || ok != want.ok {
			t.Errorf("%q: got (%q, %v), want (%q, %v)", query, msg, ok, want.msg, want.ok)
		}
	}
}
