package errcode

// Security hardening: refusals added by the review of the flows (legacy re-registration, sign-in
// slowdown, captcha failures, oversized requests).
const (
	LegacyReRegistrationPending Code = "legacy_re_registration_pending"
	SignInSlowed                Code = "sign_in_slowed"
	CaptchaTooManyFailures      Code = "captcha_too_many_failures"
	URITooLong                  Code = "uri_too_long"
	HeadersTooLarge             Code = "headers_too_large"
	AccountArchived             Code = "account_archived"
)

func init() {
	for c, m := range map[Code]string{
		LegacyReRegistrationPending: "该证件号码已有新注册的账号等待实名核验，请登录原账号或联系客服",
		SignInSlowed:                "该证件号码登录尝试过于频繁，请稍后再试",
		CaptchaTooManyFailures:      "拼图失败次数过多，请稍后再试",
		URITooLong:                  "请求地址过长",
		HeadersTooLarge:             "请求头过大",
		AccountArchived:             "该账号已停用，请使用新注册的账号登录",
	} {
		messages[c] = m
	}
}
