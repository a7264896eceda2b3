package audit

// Events of the password reset, the personal centre's changes and 教育部账号登录.
const (
	ResetStarted       = "password_reset_started"
	ResetLinkSent      = "password_reset_link_sent"
	ResetRefused       = "password_reset_refused"
	PasswordReset      = "password_reset"
	PasswordChanged    = "password_changed"
	PasswordChangeFail = "password_change_failed"
	PhoneChanged       = "phone_changed"
	IdentityChanged    = "identity_changed"
	IdentityStaged     = "identity_staged"
	MoESignedIn        = "moe_signed_in"
	MoELinked          = "moe_linked"
	MoERefused         = "moe_refused"
)
