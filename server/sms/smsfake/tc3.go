package smsfake

import (
	"crypto/hmac"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// APIError is a Tencent Cloud error: a code such as AuthFailure.SignatureFailure and its message.
type APIError struct {
	Code    string
	Message string
}

// SignedCall is what a stand-in of another Tencent Cloud API expects of a request's envelope.
type SignedCall struct {
	SecretID, SecretKey string
	Service             string // the signing scope's service, e.g. faceid
	Action, Version     string
	Regions             []string // accepted X-TC-Region values; empty accepts any
	Now                 time.Time
}

// CheckSignature verifies a Tencent Cloud API call as Tencent does: transport, the X-TC-*
// headers, the timestamp's freshness and the TC3-HMAC-SHA256 signature. Other stand-ins of
// Tencent Cloud APIs (the real-name authority) use it, so one implementation of the signature
// checks every adapter built on the SDK's common client.
func CheckSignature(r *http.Request, body []byte, c SignedCall) *APIError {
	if r.Method != http.MethodPost || r.URL.Path != "/" {
		return &APIError{"UnsupportedProtocol", "the stand-in takes POST / only"}
	}
	if a := r.Header.Get("X-TC-Action"); a != c.Action {
		return &APIError{"InvalidAction", fmt.Sprintf("action %q not found", a)}
	}
	if v := r.Header.Get("X-TC-Version"); v != c.Version {
		return &APIError{"NoSuchVersion", fmt.Sprintf("version %q not supported", v)}
	}
	if rg := r.Header.Get("X-TC-Region"); len(c.Regions) > 0 && !slices.Contains(c.Regions, rg) {
		return &APIError{"UnsupportedRegion", fmt.Sprintf("region %q not supported", rg)}
	}
	ts, err := strconv.ParseInt(r.Header.Get("X-TC-Timestamp"), 10, 64)
	if err != nil {
		return &APIError{"MissingParameter", "X-TC-Timestamp missing or not a number"}
	}
	if skew := c.Now.Sub(time.Unix(ts, 0)); skew > maxClockSkew || skew < -maxClockSkew {
		return &APIError{"AuthFailure.SignatureExpire", "signature expired: timestamp more than 5 minutes from server time"}
	}
	auth, err := parseAuthorization(r.Header.Get("Authorization"))
	if err != nil {
		return &APIError{"AuthFailure.InvalidAuthorization", err.Error()}
	}
	if auth.secretID != c.SecretID {
		return &APIError{"AuthFailure.SecretIdNotFound", "the SecretId is not found"}
	}
	if auth.date != time.Unix(ts, 0).UTC().Format("2006-01-02") || auth.service != c.Service {
		return &APIError{"AuthFailure.InvalidAuthorization", "credential scope does not match the timestamp's UTC date and the service"}
	}
	if !slices.Contains(auth.signedHeaders, "content-type") || !slices.Contains(auth.signedHeaders, "host") {
		return &APIError{"AuthFailure.InvalidAuthorization", "content-type and host must be signed"}
	}
	canonical := canonicalRequest(r, auth.signedHeaders, body)
	want := signature(c.SecretKey, auth.date, auth.service, r.Header.Get("X-TC-Timestamp"), canonical)
	if !hmac.Equal([]byte(want), []byte(auth.signature)) {
		return &APIError{"AuthFailure.SignatureFailure", "the provided credentials could not be validated; check your signature"}
	}
	return nil
}

// WriteError answers with Tencent's error envelope (HTTP 200, as Tencent does).
func WriteError(w http.ResponseWriter, requestID string, e *APIError) {
	writeError(w, requestID, e.Code, e.Message)
}

// WriteResponse answers with Tencent's success envelope; fields are the action's outputs.
func WriteResponse(w http.ResponseWriter, requestID string, fields map[string]any) {
	fields["RequestId"] = requestID
	writeJSON(w, map[string]any{"Response": fields})
}

// NewRequestID makes a UUID-shaped request id, as Tencent's are.
func NewRequestID() string { return newRequestID() }
