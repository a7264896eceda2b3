package api

// 忘记密码: 输入账号, then one of three ways of proving the account is yours.

// Reset methods.
const (
	ResetByEmail  = "email"
	ResetBySMS    = "sms"
	ResetByWeChat = "wechat"
)

// PasswordResetStart is 输入账号. The answer is the same whether or not the account exists.
type PasswordResetStart struct {
	DocType   string `json:"doc_type"`
	DocNumber string `json:"doc_number"`
	Name      string `json:"name"`
	Captcha   string `json:"captcha"`
}

// PasswordResetFlow names a started reset; the other steps carry it.
type PasswordResetFlow struct {
	Flow      string `json:"flow"`
	ExpiresIn int    `json:"expires_in"`
}

// PasswordResetFlowRequest is a step that needs nothing but the flow.
type PasswordResetFlowRequest struct {
	Flow string `json:"flow"`
}

// PasswordResetMethods is 安全验证: the masked contacts of the account and whether the WeChat way
// is offered.
type PasswordResetMethods struct {
	Email  string `json:"email"`  // masked, 2*****@qq.com
	Phone  string `json:"phone"`  // masked, 185****1234
	WeChat bool   `json:"wechat"` // bound to the service account
}

// PasswordResetSent says where a link or a code went, masked.
type PasswordResetSent struct {
	SentTo      string `json:"sent_to"`
	ResendAfter int    `json:"resend_after,omitempty"`
	ExpiresIn   int    `json:"expires_in,omitempty"`
}

// PasswordResetSMSConfirm is the code sent to the registered phone and the new password.
type PasswordResetSMSConfirm struct {
	Flow            string `json:"flow"`
	Code            string `json:"code"`
	Password        string `json:"password"`
	PasswordConfirm string `json:"password_confirm"`
}

// PasswordResetWeChatConfirm is the new password after the bound WeChat scanned the scene.
type PasswordResetWeChatConfirm struct {
	Flow            string `json:"flow"`
	Scene           string `json:"scene"`
	Password        string `json:"password"`
	PasswordConfirm string `json:"password_confirm"`
}

// PasswordResetLink tells whether a reset link (e-mail or WeChat message) is still good.
type PasswordResetLink struct {
	Valid bool   `json:"valid"`
	Name  string `json:"name,omitempty"` // masked
}

// PasswordResetLinkConfirm is the new password on the page a link opens.
type PasswordResetLinkConfirm struct {
	Token           string `json:"token"`
	Password        string `json:"password"`
	PasswordConfirm string `json:"password_confirm"`
}

// 个人信息中心: the owner's changes.

// ChangePasswordRequest is 修改密码.
type ChangePasswordRequest struct {
	OldPassword     string `json:"old_password"`
	Password        string `json:"password"`
	PasswordConfirm string `json:"password_confirm"`
}

// PhoneCodeRequest asks for a code to the new phone of 修改手机号码.
type PhoneCodeRequest struct {
	Phone string `json:"phone"`
}

// ChangePhoneRequest is 修改手机号码: the new phone, its code and the current password.
type ChangePhoneRequest struct {
	Phone    string `json:"phone"`
	Code     string `json:"code"`
	Password string `json:"password"`
}

// IdentityUpdate is 修改个人身份信息. Ethnicity and the residence-permit fields change at once;
// name and validity dates are staged until a real-name verification with them passes.
type IdentityUpdate struct {
	Ethnicity    string `json:"ethnicity"`
	PermitNumber string `json:"permit_number,omitempty"`
	LocalID      string `json:"local_id,omitempty"`
	Name         string `json:"name"`
	ValidityTerm string `json:"validity_term"`
	ValidFrom    string `json:"valid_from"`
	ValidUntil   string `json:"valid_until,omitempty"`
}

// StagedIdentity is a change waiting for real-name verification.
type StagedIdentity struct {
	Name         string `json:"name"`
	ValidityTerm string `json:"validity_term"`
	ValidFrom    string `json:"valid_from"`
	ValidUntil   string `json:"valid_until,omitempty"`
}

// IdentityUpdateResult says what took effect.
type IdentityUpdateResult struct {
	Me     Me   `json:"me"`
	Staged bool `json:"staged"` // name or dates wait for real-name verification
}

// 教育部账号登录.

// MoEPending is the registration an unknown MoE identity is offered: its number, locked.
type MoEPending struct {
	DocType   string `json:"doc_type"`
	DocNumber string `json:"doc_number"`
	Name      string `json:"name,omitempty"`
}
