// Package faceidfake is a local stand-in for Tencent Cloud's real-name authority (faceid API
// 2018-03-01, action IdCardVerification), used by the local run and by tests. It speaks the real
// protocol: every request's TC3-HMAC-SHA256 signature is checked as Tencent does (the same check
// as the SMS stand-in's), and it answers in Tencent's envelope with Tencent's result codes. Its
// records are the sample identities of the README (Samples); any other number has no record. It
// counts the calls that reached it, and can be told to fail the next calls (an outage).
package faceidfake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"jszg/server/sms/smsfake"
)

// Sample is one identity of the stand-in's records.
type Sample struct {
	IDCard, Name string
	// Result is what the authority answers for this number with this name ("0" matches).
	Result, Description string
}

// Samples are the stand-in's records, listed in the README for trying the product.
var Samples = []Sample{
	{"11010519491231002X", "张三", "0", "姓名和身份证号一致"},
	{"110105199003071239", "李四", "0", "姓名和身份证号一致"},
	{"310101198511202343", "王芳", "0", "姓名和身份证号一致"},
	// Registered as 陈静, recorded as 刘静: a name changed at the police station and not here.
	{"44010619920815345X", "刘静", "0", "姓名和身份证号一致"},
	// The authority's record service fails for this one: an outage, whatever the name.
	{"330106199506205670", "", "-4", "证件库服务异常"},
}

// Config is what the stand-in expects of callers.
type Config struct {
	SecretID, SecretKey string
	// Now tells the time a request's timestamp is checked against; default time.Now.
	Now func() time.Time
	// Delay, if set, is waited before each answer (timeout tests).
	Delay time.Duration
}

// Server is the stand-in listening on a loopback port.
type Server struct {
	URL string

	cfg  Config
	http *http.Server

	mu       sync.Mutex
	calls    int
	failures []smsfake.APIError
}

// Start listens on a free loopback port and serves until Close.
func Start(cfg Config) (*Server, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("faceid stand-in: %w", err)
	}
	s := &Server{cfg: cfg, URL: "http://" + l.Addr().String()}
	s.http = &http.Server{Handler: s, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = s.http.Serve(l) }()
	return s, nil
}

// Close stops serving.
func (s *Server) Close() error { return s.http.Close() }

// Calls is how many signed IdCardVerification calls reached the authority.
func (s *Server) Calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

// FailNext makes the next call fail with a Tencent error code (e.g. InternalError or
// FailedOperation.UnKnown). Calls queue up.
func (s *Server) FailNext(code, message string) {
	s.mu.Lock()
	s.failures = append(s.failures, smsfake.APIError{Code: code, Message: message})
	s.mu.Unlock()
}

type request struct {
	IdCard     string `json:"IdCard"`
	Name       string `json:"Name"`
	Encryption any    `json:"Encryption,omitempty"`
}

// ServeHTTP answers one call.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := smsfake.NewRequestID()
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 64<<10))
	if err != nil {
		smsfake.WriteError(w, id, &smsfake.APIError{Code: "InvalidParameter", Message: "request body too large or unreadable"})
		return
	}
	if e := smsfake.CheckSignature(r, body, smsfake.SignedCall{
		SecretID: s.cfg.SecretID, SecretKey: s.cfg.SecretKey, Service: "faceid",
		Action: "IdCardVerification", Version: "2018-03-01", Now: s.cfg.Now(),
	}); e != nil {
		smsfake.WriteError(w, id, e)
		return
	}
	var req request
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil || req.IdCard == "" || req.Name == "" {
		smsfake.WriteError(w, id, &smsfake.APIError{Code: "InvalidParameter", Message: "IdCard and Name are required"})
		return
	}
	s.mu.Lock()
	s.calls++
	var fail *smsfake.APIError
	if len(s.failures) > 0 {
		f := s.failures[0]
		s.failures = s.failures[1:]
		fail = &f
	}
	s.mu.Unlock()
	if s.cfg.Delay > 0 {
		select {
		case <-time.After(s.cfg.Delay):
		case <-r.Context().Done():
			return
		}
	}
	if fail != nil {
		smsfake.WriteError(w, id, fail)
		return
	}
	result, desc := Answer(req.IdCard, req.Name)
	smsfake.WriteResponse(w, id, map[string]any{"Result": result, "Description": desc})
}

// Answer is the authority's result for a number and a name.
func Answer(idCard, name string) (result, description string) {
	for _, smp := range Samples {
		if smp.IDCard != idCard {
			continue
		}
		if smp.Result != "0" {
			return smp.Result, smp.Description
		}
		if smp.Name != name {
			return "-1", "姓名和身份证号不一致"
		}
		return "0", smp.Description
	}
	return "-5", "证件库中无此身份证记录"
}
