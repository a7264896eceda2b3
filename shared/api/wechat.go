package api

// The WeChat service account's routes: QR scan scenes (a code for registration, or binding the
// signed-in account) and the personal centre's view of the binding.

// Scan scene purposes a client may ask for.
const (
	WeChatPurposeRegister = "register"
	WeChatPurposeBind     = "bind"
)

// Scan scene statuses.
const (
	SceneWaiting  = "waiting"   // shown, not scanned yet
	SceneCodeSent = "code_sent" // register: the code was sent in the WeChat chat
	SceneBound    = "bound"     // bind: done; register: the new account was bound
	SceneRejected = "rejected"  // bind: refused (see Code and Message)
	SceneExpired  = "expired"   // not scanned within 5 minutes: ask for a new scene
	SceneVerified = "verified"  // reset: the bound WeChat scanned; the new password may be set
)

// WeChatSceneRequest asks for a QR code (POST /api/wechat/scenes).
type WeChatSceneRequest struct {
	Purpose string `json:"purpose"`
}

// WeChatScene is a QR code to show.
type WeChatScene struct {
	Scene     string `json:"scene"`
	QR        string `json:"qr"`         // URL of the PNG image
	ExpiresIn int    `json:"expires_in"` // seconds
}

// WeChatSceneStatus is what a page polls (GET /api/wechat/scenes/:scene).
type WeChatSceneStatus struct {
	Status    string `json:"status"`
	ExpiresIn int    `json:"expires_in"` // seconds the QR code has left
	// Code and Message say why a binding was rejected.
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
}

// WeChatBinding is the personal centre's view of the account's WeChat binding (GET /api/me/wechat).
type WeChatBinding struct {
	Bound  bool   `json:"bound"`
	OpenID string `json:"openid,omitempty"` // masked
	Via    string `json:"via,omitempty"`    // scan, oauth, registration
	// BoundAt is YYYY-MM-DD HH:MM, China time.
	BoundAt  string `json:"bound_at,omitempty"`
	Followed bool   `json:"followed"`
	// UnfollowedAt is set while the user does not follow the service account.
	UnfollowedAt string `json:"unfollowed_at,omitempty"`
}

// Reasons an OAuth binding failed, in ?wechat_error= of the return to the personal centre
// (success returns with ?wechat=bound).
const (
	WeChatOAuthDenied       = "denied"        // no code (the user refused) or a foreign or expired state
	WeChatOAuthOpenIDTaken  = "openid_taken"  // the WeChat user is bound to another account
	WeChatOAuthAccountBound = "account_bound" // the account is bound to another WeChat user
	WeChatOAuthUnavailable  = "unavailable"   // WeChat could not be reached
)
