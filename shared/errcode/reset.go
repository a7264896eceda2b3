package errcode

// Password reset, the personal centre's changes and 教育部账号登录. Kept in a file of their own
// and added to the messages at start, so the earlier blocks stay as they were.
const (
	ResetLegacyAccount  Code = "reset_legacy_account"
	ResetFlowExpired    Code = "reset_flow_expired"
	ResetLinkInvalid    Code = "reset_link_invalid"
	ResetMethodRefused  Code = "reset_method_refused"
	ResetWeChatPending  Code = "reset_wechat_pending"
	EmailUnavailable    Code = "email_unavailable"
	PasswordOldWrong    Code = "password_old_wrong"
	PasswordOldRequired Code = "password_old_required"
	PasswordUnchanged   Code = "password_unchanged"
	PhoneUnchanged      Code = "phone_unchanged"
	PhoneRequired       Code = "phone_required"
	IdentityUnchanged   Code = "identity_unchanged"
	MoESignInFailed     Code = "moe_sign_in_failed"
	MoEUnavailable      Code = "moe_unavailable"
	MoENoDocNumber      Code = "moe_no_doc_number"
	MoEPendingExpired   Code = "moe_pending_expired"
)

func init() {
	for c, m := range map[Code]string{
		ResetLegacyAccount:  "2019年3月1日之前注册的账号，不能进行密码重置，需要重新注册账号。",
		ResetFlowExpired:    "操作已超时，请返回重新输入账号",
		ResetLinkInvalid:    "链接已失效（链接24小时内有效，且只能使用一次），请重新进行密码重置",
		ResetMethodRefused:  "该账号不能使用此方式重置密码，请选择其他方式",
		ResetWeChatPending:  "请先使用绑定该账号的微信扫描二维码",
		EmailUnavailable:    "邮件暂时无法发送，请稍后再试或选择其他方式",
		PasswordOldWrong:    "原密码不正确",
		PasswordOldRequired: "请输入原密码",
		PasswordUnchanged:   "新密码不能与原密码相同",
		PhoneUnchanged:      "新手机号码与当前手机号码相同",
		PhoneRequired:       "请输入新手机号码",
		IdentityUnchanged:   "未修改任何信息",
		MoESignInFailed:     "教育部账号登录失败，请重新登录",
		MoEUnavailable:      "教育部统一身份认证平台暂时不可用，请稍后再试",
		MoENoDocNumber:      "教育部账号未提供身份证件号码，无法登录本网站",
		MoEPendingExpired:   "教育部账号登录已超时，请重新登录",
	} {
		messages[c] = m
	}
}
