package api

import "time"

// StaffSignInRequest is the reviewer console's sign-in: user name, password, TOTP code.
type StaffSignInRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
	Code     string `json:"code"`
}

// StaffMe is the signed-in staff member.
type StaffMe struct {
	Username   string `json:"username"`
	Role       string `json:"role"` // reviewer or admin
	MustChange bool   `json:"must_change_password"`
	CSRFToken  string `json:"csrf_token"`
}

// StaffPasswordChange replaces the member's password.
type StaffPasswordChange struct {
	OldPassword string `json:"old_password"`
	Password    string `json:"password"`
}

// StaffMember is one staff account as admins list it.
type StaffMember struct {
	ID        string    `json:"id"`
	Username  string    `json:"username"`
	Role      string    `json:"role"`
	Disabled  bool      `json:"disabled"`
	CreatedAt time.Time `json:"created_at"`
}

// NewStaffRequest creates a reviewer or an admin.
type NewStaffRequest struct {
	Username string `json:"username"`
	Role     string `json:"role"`
}

// NewStaffResponse is shown once: the one-time password and the TOTP key's otpauth URI.
type NewStaffResponse struct {
	Member   StaffMember `json:"member"`
	Password string      `json:"password"`
	TOTPURI  string      `json:"totp_uri"`
}

// StaffDisable stops or restarts a staff member.
type StaffDisable struct {
	Disabled bool `json:"disabled"`
}

// ContactCorrection is an admin's correction of an applicant's phone and e-mail.
type ContactCorrection struct {
	DocNumber string `json:"doc_number"`
	Phone     string `json:"phone"`
	Email     string `json:"email"`
}

// AuditRecord is one entry of the audit log.
type AuditRecord struct {
	At        time.Time         `json:"at"`
	Event     string            `json:"event"`
	AccountID string            `json:"account_id,omitempty"`
	Actor     string            `json:"actor,omitempty"`
	Addr      string            `json:"addr,omitempty"`
	Subject   string            `json:"subject,omitempty"`
	Detail    map[string]string `json:"detail,omitempty"`
}

// WorkdaysYear confirms a loaded year of working days.
type WorkdaysYear struct {
	Year  int   `json:"year"`
	Years []int `json:"years"`
	// Recounted is how many pending reviews' due dates changed with it (provisional ones
	// counted again over the year's holidays).
	Recounted int `json:"recounted"`
}
