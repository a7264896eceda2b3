// Package api holds the JSON request and response types of the jszg HTTP API. The server decodes
// and encodes them and the Wasm client builds them, so a field renamed here is renamed for both.
package api

import "jszg/shared/errcode"

// ErrorResponse is the body of every non-2xx response.
type ErrorResponse struct {
	Code    errcode.Code `json:"code"`
	Message string       `json:"message"`
	Field   string       `json:"field,omitempty"`
	// Fields lists every field error when a form was rejected for more than one reason.
	Fields []FieldError `json:"fields,omitempty"`
	// RetryAfter is set, in seconds, when the request may be repeated later.
	RetryAfter int `json:"retry_after,omitempty"`
}

// FieldError is one rejected form field.
type FieldError struct {
	Field   string       `json:"field"`
	Code    errcode.Code `json:"code"`
	Message string       `json:"message"`
}

// Captcha is a slide puzzle: a background with a gap and the tile that fills it. The tile starts
// at x = 0, y = TileY; the user drags it right until it covers the gap.
type Captcha struct {
	ID         string `json:"id"`
	Image      string `json:"image"` // data: URL (JPEG) of the background with the gap
	Tile       string `json:"tile"`  // data: URL (PNG) of the tile
	Width      int    `json:"width"`
	Height     int    `json:"height"`
	TileWidth  int    `json:"tile_width"`
	TileHeight int    `json:"tile_height"`
	TileY      int    `json:"tile_y"`
	ExpiresIn  int    `json:"expires_in"` // seconds
}

// CaptchaAnswer is the end of a drag: where the tile was left and how the drag went.
type CaptchaAnswer struct {
	X int `json:"x"`
	// DurationMS is how long the drag took, from press to release.
	DurationMS int `json:"duration_ms"`
	// Track is the sampled x positions of the drag, at most 200 points.
	Track []int `json:"track,omitempty"`
	// Input is how the tile was moved: CaptchaPointer (a drag, the default) or CaptchaKeyboard
	// (arrow keys, then Enter).
	Input string `json:"input,omitempty"`
	// Times gives, for a keyboard answer, when each Track sample was taken, in milliseconds
	// since the first (the press of the first key).
	Times []int `json:"times,omitempty"`
}

// Ways a captcha tile is moved.
const (
	CaptchaPointer  = "pointer"
	CaptchaKeyboard = "keyboard"
)

// Keyboard steps of the captcha tile, in image pixels: an arrow key moves it CaptchaKeyStep,
// Page Up/Down or Shift with an arrow CaptchaKeyBigStep. The server checks keyboard answers
// against them.
const (
	CaptchaKeyStep    = 3
	CaptchaKeyBigStep = 30
)

// CaptchaCodeRequest asks for a code by SMS in place of the puzzle, for an applicant who
// cannot see it. No captcha guards it; the limits of every code do.
type CaptchaCodeRequest struct {
	Phone string `json:"phone"`
}

// CaptchaCodeCheck exchanges the code sent in place of the puzzle for a captcha pass.
type CaptchaCodeCheck struct {
	Phone string `json:"phone"`
	Code  string `json:"code"`
}

// CaptchaPass is the single-use token a solved captcha yields.
type CaptchaPass struct {
	Pass      string `json:"pass"`
	ExpiresIn int    `json:"expires_in"` // seconds
}

// Code purposes.
const (
	PurposeRegister    = "register"
	PurposeReset       = "reset"
	PurposeChangePhone = "change_phone"
	// PurposeCaptcha is a code sent in place of the slide puzzle; it buys a captcha pass.
	PurposeCaptcha = "captcha"
)

// SendCodeRequest asks for a verification code by SMS.
type SendCodeRequest struct {
	Phone   string `json:"phone"`
	Purpose string `json:"purpose"`
	Captcha string `json:"captcha"` // captcha pass token
}

// SendCodeResponse says when the next code may be asked for.
type SendCodeResponse struct {
	ResendAfter int `json:"resend_after"` // seconds
	ExpiresIn   int `json:"expires_in"`   // seconds
}

// Document types.
const (
	DocIDCard          = "id_card"
	DocResidencePermit = "residence_permit"
)

// Validity terms.
const (
	Term5Years   = "5y"
	Term10Years  = "10y"
	Term20Years  = "20y"
	TermLongTerm = "long"
)

// Regions of a residence permit.
const (
	RegionHongKong = "HK"
	RegionMacau    = "MO"
	RegionTaiwan   = "TW"
)

// Code sources.
const (
	CodeBySMS    = "sms"
	CodeByWeChat = "wechat"
)

// RegisterRequest is the 注册 form. Dates are YYYY-MM-DD.
type RegisterRequest struct {
	DocType         string `json:"doc_type"`
	DocNumber       string `json:"doc_number"`
	Name            string `json:"name"`
	Region          string `json:"region,omitempty"`        // residence permit only
	PermitNumber    string `json:"permit_number,omitempty"` // residence permit only
	LocalID         string `json:"local_id,omitempty"`      // residence permit only
	ValidityTerm    string `json:"validity_term"`
	ValidFrom       string `json:"valid_from"`
	ValidUntil      string `json:"valid_until,omitempty"` // empty for 长期
	Password        string `json:"password"`
	PasswordConfirm string `json:"password_confirm"`
	Email           string `json:"email"`
	Phone           string `json:"phone"`
	Captcha         string `json:"captcha"`     // captcha pass token
	CodeSource      string `json:"code_source"` // sms or wechat
	Code            string `json:"code"`
	// WeChatScene is the scan scene the code was asked with (code_source wechat).
	WeChatScene string `json:"wechat_scene,omitempty"`
	Agreed      bool   `json:"agreed"`
}

// RegisterResponse confirms a new account.
type RegisterResponse struct {
	AccountID string `json:"account_id"`
	// ArchivedLegacy is true when a legacy account of the same document number was archived.
	ArchivedLegacy bool `json:"archived_legacy,omitempty"`
	// SupersedesLegacy is true when a legacy account has the same document number: both stay
	// until the new account passes real-name verification or a manual review, which archives the
	// legacy one.
	SupersedesLegacy bool `json:"supersedes_legacy,omitempty"`
}

// Business entries.
const (
	EntryCertification = "certification" // 认定
	EntryRegistration  = "registration"  // 定期注册
)

// SignInRequest is the 登录 form.
type SignInRequest struct {
	DocNumber string `json:"doc_number"`
	Password  string `json:"password"`
	Captcha   string `json:"captcha"`
	Entry     string `json:"entry,omitempty"`
	// ReturnTo is where the business system asked to go back to; only allowed targets are honoured.
	ReturnTo string `json:"return_to,omitempty"`
}

// SignInResponse carries the CSRF token for later writes and where to go next.
type SignInResponse struct {
	CSRFToken string `json:"csrf_token"`
	Redirect  string `json:"redirect"`
	Me        Me     `json:"me"`
}

// Me is the signed-in account as its owner sees it, personal information masked.
type Me struct {
	AccountID string `json:"account_id"`
	DocType   string `json:"doc_type"`
	DocNumber string `json:"doc_number"` // masked
	Name      string `json:"name"`       // masked
	// FullName is the owner's own name, whole, for the greeting in the page header: the owner
	// needs no protection from their own name, and a masked greeting reads as an error.
	FullName      string `json:"full_name"`
	Sex           string `json:"sex"`        // 男 / 女
	BirthDate     string `json:"birth_date"` // masked: YYYY-**-**
	Ethnicity     string `json:"ethnicity,omitempty"`
	Region        string `json:"region,omitempty"`
	PermitNumber  string `json:"permit_number,omitempty"` // masked
	ValidityTerm  string `json:"validity_term"`
	ValidFrom     string `json:"valid_from"`
	ValidUntil    string `json:"valid_until,omitempty"`
	Email         string `json:"email"`           // masked
	Phone         string `json:"phone"`           // masked
	RealNameState string `json:"real_name_state"` // none, verified, review_pending, review_approved
	WeChatBound   bool   `json:"wechat_bound"`
	CSRFToken     string `json:"csrf_token"`
	// Staged is a change of name or validity dates waiting for a real-name verification.
	Staged *StagedIdentity `json:"staged,omitempty"`
	// MoELinked: the account has signed in with 教育部账号登录 at least once.
	MoELinked bool `json:"moe_linked,omitempty"`
}
