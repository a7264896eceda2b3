// Package smsfake is a local stand-in for the Tencent Cloud SMS API (2021-01-11, action SendSms),
// used by the local run and by tests. It speaks the real protocol: it recomputes the
// TC3-HMAC-SHA256 signature of every request from the configured key as Tencent does (canonical
// request, string to sign, derived key), checks the X-TC-* headers and the signature's freshness,
// parses the SendSms body and answers in Tencent's response envelope. It delivers nothing: it
// records each message so that tests and the local run can read the code, and it can be told to
// fail the next request or refuse the next number with any Tencent error code.
package smsfake

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Config is what the stand-in expects of callers.
type Config struct {
	// SecretID and SecretKey are the only key pair it accepts.
	SecretID, SecretKey string
	// SdkAppID, if set, is the only SMS application it accepts.
	SdkAppID string
	// Now tells the time a request's timestamp is checked against; default time.Now.
	Now func() time.Time
	// OnMessage, if set, is called with every message accepted (the local run prints the code
	// to the console with it, since no phone receives it).
	OnMessage func(Message)
}

// Message is one text the API accepted.
type Message struct {
	// Phone is the number as sent, in E.164 (+8613812345678).
	Phone      string
	SdkAppID   string
	SignName   string
	TemplateID string
	// Params are the template parameters, in order (for a code: the code, the minutes).
	Params    []string
	RequestID string
	At        time.Time
}

// Server is the stand-in API listening on a loopback port.
type Server struct {
	// URL is the base URL to configure as the adapter's endpoint (http://127.0.0.1:port).
	URL string

	cfg      Config
	listener net.Listener
	http     *http.Server

	mu       sync.Mutex
	messages []Message
	failures []apiError // next requests to fail as a whole
	rejects  []apiError // next numbers to refuse
}

type apiError struct {
	Code    string `json:"Code"`
	Message string `json:"Message"`
}

// Start listens on a free loopback port and serves until Close.
func Start(cfg Config) (*Server, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("sms stand-in: %w", err)
	}
	s := New(cfg)
	s.listener = l
	s.URL = "http://" + l.Addr().String()
	s.http = &http.Server{Handler: s, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = s.http.Serve(l) }()
	return s, nil
}

// New returns the stand-in as a handler only, to be served by the caller (URL stays empty).
func New(cfg Config) *Server {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Server{cfg: cfg}
}

// Close stops serving.
func (s *Server) Close() error {
	if s.http == nil {
		return nil
	}
	return s.http.Close()
}

// Messages returns every message accepted so far, oldest first.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.messages)
}

// Last returns the latest message to a number, given as 13812345678 or +8613812345678.
func (s *Server) Last(phone string) (Message, bool) {
	if !strings.HasPrefix(phone, "+") {
		phone = "+86" + phone
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := len(s.messages) - 1; i >= 0; i-- {
		if s.messages[i].Phone == phone {
			return s.messages[i], true
		}
	}
	return Message{}, false
}

// FailNext makes the next request (after its signature is checked) fail as a whole with a
// Tencent error code, e.g. LimitExceeded.PhoneNumberDailyLimit or
// FailedOperation.InsufficientBalanceInSmsPackage. Calls queue up.
func (s *Server) FailNext(code, message string) {
	s.mu.Lock()
	s.failures = append(s.failures, apiError{code, message})
	s.mu.Unlock()
}

// RejectNext makes the next number sent to get a failed SendStatus with the code (the request
// itself succeeds, as Tencent answers a batch), e.g. FailedOperation.PhoneNumberInBlacklist.
func (s *Server) RejectNext(code, message string) {
	s.mu.Lock()
	s.rejects = append(s.rejects, apiError{code, message})
	s.mu.Unlock()
}

const (
	service       = "sms"
	version       = "2021-01-11"
	action        = "SendSms"
	algorithm     = "TC3-HMAC-SHA256"
	maxClockSkew  = 5 * time.Minute // Tencent refuses signatures older or newer than this
	maxBodyBytes  = 1 << 20
	maxPhoneCount = 200
)

var regions = []string{"ap-guangzhou", "ap-beijing", "ap-nanjing"}

type sendSmsRequest struct {
	PhoneNumberSet   []string `json:"PhoneNumberSet"`
	SmsSdkAppID      string   `json:"SmsSdkAppId"`
	TemplateID       string   `json:"TemplateId"`
	SignName         string   `json:"SignName"`
	TemplateParamSet []string `json:"TemplateParamSet"`
	ExtendCode       string   `json:"ExtendCode"`
	SessionContext   string   `json:"SessionContext"`
	SenderID         string   `json:"SenderId"`
}

type sendStatus struct {
	SerialNo       string `json:"SerialNo"`
	PhoneNumber    string `json:"PhoneNumber"`
	Fee            int    `json:"Fee"`
	SessionContext string `json:"SessionContext"`
	Code           string `json:"Code"`
	Message        string `json:"Message"`
	IsoCode        string `json:"IsoCode"`
}

// ServeHTTP answers one API call. Like Tencent, it answers 200 with an Error envelope for every
// refusal the API itself makes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	requestID := newRequestID()
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		writeError(w, requestID, "InvalidParameter", "request body too large or unreadable")
		return
	}
	if e := s.check(r, body); e != nil {
		writeError(w, requestID, e.Code, e.Message)
		return
	}
	var req sendSmsRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		writeError(w, requestID, "InvalidParameter", "body is not a SendSms request: "+err.Error())
		return
	}
	if e := s.validate(req); e != nil {
		writeError(w, requestID, e.Code, e.Message)
		return
	}

	s.mu.Lock()
	if len(s.failures) > 0 {
		e := s.failures[0]
		s.failures = s.failures[1:]
		s.mu.Unlock()
		writeError(w, requestID, e.Code, e.Message)
		return
	}
	now := s.cfg.Now()
	statuses := make([]sendStatus, 0, len(req.PhoneNumberSet))
	var accepted []Message
	for _, phone := range req.PhoneNumberSet {
		st := sendStatus{PhoneNumber: phone, SessionContext: req.SessionContext, IsoCode: "CN"}
		switch {
		case len(s.rejects) > 0:
			st.Code, st.Message = s.rejects[0].Code, s.rejects[0].Message
			s.rejects = s.rejects[1:]
		case !mainlandMobile.MatchString(phone):
			st.Code, st.Message = "InvalidParameterValue.IncorrectPhoneNumber", "手机号格式错误"
		default:
			st.Code, st.Message, st.Fee = "Ok", "send success", 1
			st.SerialNo = newSerialNo()
			if !strings.HasPrefix(phone, "+") {
				phone = "+86" + phone
			}
			m := Message{
				Phone: phone, SdkAppID: req.SmsSdkAppID, SignName: req.SignName,
				TemplateID: req.TemplateID, Params: slices.Clone(req.TemplateParamSet),
				RequestID: requestID, At: now,
			}
			s.messages = append(s.messages, m)
			accepted = append(accepted, m)
		}
		statuses = append(statuses, st)
	}
	s.mu.Unlock()
	if s.cfg.OnMessage != nil {
		for _, m := range accepted {
			s.cfg.OnMessage(m)
		}
	}
	writeJSON(w, map[string]any{"Response": map[string]any{"SendStatusSet": statuses, "RequestId": requestID}})
}

// mainlandMobile accepts what Tencent delivers in the mainland: +86 and an 11-digit mobile
// number, or the bare number.
var mainlandMobile = regexp.MustCompile(`^(\+86)?1[3-9][0-9]{9}$`)

// check verifies the transport, the common headers and the signature.
func (s *Server) check(r *http.Request, body []byte) *apiError {
	if r.Method != http.MethodPost || r.URL.Path != "/" {
		return &apiError{"UnsupportedProtocol", "the stand-in takes POST / only"}
	}
	if !strings.HasPrefix(strings.ToLower(r.Header.Get("Content-Type")), "application/json") {
		return &apiError{"UnsupportedProtocol", "Content-Type must be application/json"}
	}
	if a := r.Header.Get("X-TC-Action"); a != action {
		return &apiError{"InvalidAction", fmt.Sprintf("action %q not found", a)}
	}
	if v := r.Header.Get("X-TC-Version"); v != version {
		return &apiError{"NoSuchVersion", fmt.Sprintf("version %q not supported", v)}
	}
	if rg := r.Header.Get("X-TC-Region"); !slices.Contains(regions, rg) {
		return &apiError{"UnsupportedRegion", fmt.Sprintf("region %q not supported", rg)}
	}
	ts, err := strconv.ParseInt(r.Header.Get("X-TC-Timestamp"), 10, 64)
	if err != nil {
		return &apiError{"MissingParameter", "X-TC-Timestamp missing or not a number"}
	}
	if skew := s.cfg.Now().Sub(time.Unix(ts, 0)); skew > maxClockSkew || skew < -maxClockSkew {
		return &apiError{"AuthFailure.SignatureExpire", "signature expired: timestamp more than 5 minutes from server time"}
	}
	auth, err := parseAuthorization(r.Header.Get("Authorization"))
	if err != nil {
		return &apiError{"AuthFailure.InvalidAuthorization", err.Error()}
	}
	if auth.secretID != s.cfg.SecretID {
		return &apiError{"AuthFailure.SecretIdNotFound", "the SecretId is not found"}
	}
	if auth.date != time.Unix(ts, 0).UTC().Format("2006-01-02") || auth.service != service {
		return &apiError{"AuthFailure.InvalidAuthorization", "credential scope does not match the timestamp's UTC date and the service"}
	}
	if !slices.Contains(auth.signedHeaders, "content-type") || !slices.Contains(auth.signedHeaders, "host") {
		return &apiError{"AuthFailure.InvalidAuthorization", "content-type and host must be signed"}
	}
	canonical := canonicalRequest(r, auth.signedHeaders, body)
	want := signature(s.cfg.SecretKey, auth.date, auth.service, r.Header.Get("X-TC-Timestamp"), canonical)
	if !hmac.Equal([]byte(want), []byte(auth.signature)) {
		return &apiError{"AuthFailure.SignatureFailure", "the provided credentials could not be validated; check your signature"}
	}
	return nil
}

func (s *Server) validate(req sendSmsRequest) *apiError {
	switch {
	case len(req.PhoneNumberSet) == 0:
		return &apiError{"MissingParameter", "PhoneNumberSet is required"}
	case len(req.PhoneNumberSet) > maxPhoneCount:
		return &apiError{"LimitExceeded.PhoneNumberCountLimit", "more than 200 numbers in one request"}
	case req.SmsSdkAppID == "":
		return &apiError{"MissingParameter", "SmsSdkAppId is required"}
	case s.cfg.SdkAppID != "" && req.SmsSdkAppID != s.cfg.SdkAppID:
		return &apiError{"UnauthorizedOperation.SmsSdkAppIdVerifyFail", "SmsSdkAppId verification failed"}
	case req.TemplateID == "":
		return &apiError{"MissingParameter", "TemplateId is required"}
	case req.SignName == "":
		return &apiError{"MissingParameter", "SignName is required for mainland numbers"}
	}
	return nil
}

type authorization struct {
	secretID, date, service string
	signedHeaders           []string
	signature               string
}

// parseAuthorization reads
// "TC3-HMAC-SHA256 Credential=ID/DATE/SERVICE/tc3_request, SignedHeaders=a;b, Signature=HEX".
func parseAuthorization(h string) (authorization, error) {
	var a authorization
	rest, ok := strings.CutPrefix(h, algorithm+" ")
	if !ok {
		return a, errors.New("Authorization must use " + algorithm)
	}
	fields := map[string]string{}
	for part := range strings.SplitSeq(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return a, errors.New("malformed Authorization")
		}
		fields[k] = v
	}
	scope := strings.Split(fields["Credential"], "/")
	if len(scope) != 4 || scope[3] != "tc3_request" || scope[0] == "" {
		return a, errors.New("malformed Credential")
	}
	a.secretID, a.date, a.service = scope[0], scope[1], scope[2]
	if fields["SignedHeaders"] == "" || fields["Signature"] == "" {
		return a, errors.New("SignedHeaders and Signature are required")
	}
	a.signedHeaders = strings.Split(fields["SignedHeaders"], ";")
	a.signature = fields["Signature"]
	return a, nil
}

// canonicalRequest is step 1 of TC3-HMAC-SHA256: method, URI, query, the signed headers (names
// and values lower-cased and trimmed, in the order given, which the client sorted), their names,
// and the SHA-256 of the payload.
func canonicalRequest(r *http.Request, signed []string, body []byte) string {
	var headers strings.Builder
	for _, name := range signed {
		v := r.Header.Get(name)
		if name == "host" {
			v = r.Host
		}
		headers.WriteString(name + ":" + strings.ToLower(strings.TrimSpace(v)) + "\n")
	}
	payload := sha256Hex(body)
	if r.Header.Get("X-TC-Content-SHA256") == "UNSIGNED-PAYLOAD" {
		payload = sha256Hex([]byte("UNSIGNED-PAYLOAD"))
	}
	return strings.Join([]string{
		r.Method, r.URL.Path, r.URL.RawQuery, headers.String(), strings.Join(signed, ";"), payload,
	}, "\n")
}

// signature is steps 2 and 3: the string to sign, and its HMAC under the key derived from the
// secret key, the date and the service.
func signature(secretKey, date, service, timestamp, canonical string) string {
	scope := date + "/" + service + "/tc3_request"
	toSign := algorithm + "\n" + timestamp + "\n" + scope + "\n" + sha256Hex([]byte(canonical))
	key := hmacSHA256([]byte("TC3"+secretKey), date)
	key = hmacSHA256(key, service)
	key = hmacSHA256(key, "tc3_request")
	return hex.EncodeToString(hmacSHA256(key, toSign))
}

func hmacSHA256(key []byte, msg string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return m.Sum(nil)
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func writeError(w http.ResponseWriter, requestID, code, message string) {
	writeJSON(w, map[string]any{"Response": map[string]any{
		"Error":     apiError{code, message},
		"RequestId": requestID,
	}})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// newRequestID makes a UUID-shaped id, as Tencent's are.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func newSerialNo() string {
	var b [10]byte
	_, _ = rand.Read(b[:])
	return "2028:" + hex.EncodeToString(b[:])
}
