package realname

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tcerr "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
	tchttp "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/http"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"
)

// TencentConfig configures the Tencent Cloud adapter (慧眼 faceid, action IdCardVerification).
type TencentConfig struct {
	// SecretID and SecretKey are a CAM key pair allowed to call faceid:IdCardVerification.
	SecretID, SecretKey string
	// Region of the API; default ap-guangzhou.
	Region string
	// Endpoint overrides faceid.tencentcloudapi.com: a host name, or a URL such as
	// http://127.0.0.1:8026 for the local stand-in.
	Endpoint string
	// Timeout bounds one call, connection included; default 8 s. The applicant waits on it.
	Timeout time.Duration
}

// Tencent verifies identities with Tencent Cloud's IdCardVerification (API 2018-03-01), which
// compares a resident ID number and a name with the public-security records. The action has no
// validity dates; they are checked by the shared rules at registration. The SDK's common package
// builds, signs (TC3-HMAC-SHA256) and sends it, as for SMS.
type Tencent struct {
	cfg    TencentConfig
	client *common.Client
}

var _ Verifier = (*Tencent)(nil)

// API names of the action.
const (
	TencentService = "faceid"
	TencentVersion = "2018-03-01"
	TencentAction  = "IdCardVerification"
)

// NewTencent checks the configuration and prepares the client; it makes no request.
func NewTencent(cfg TencentConfig) (*Tencent, error) {
	if strings.TrimSpace(cfg.SecretID) == "" || strings.TrimSpace(cfg.SecretKey) == "" {
		return nil, errors.New("tencent faceid: missing secret id or secret key")
	}
	if cfg.Region == "" {
		cfg.Region = "ap-guangzhou"
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 8 * time.Second
	}
	cp := profile.NewClientProfile()
	if cfg.Endpoint != "" {
		u := cfg.Endpoint
		if !strings.Contains(u, "://") {
			u = "https://" + u
		}
		p, err := url.Parse(u)
		if err != nil || p.Host == "" || (p.Scheme != "http" && p.Scheme != "https") {
			return nil, fmt.Errorf("tencent faceid: bad endpoint %q", cfg.Endpoint)
		}
		cp.HttpProfile.Scheme, cp.HttpProfile.Endpoint = p.Scheme, p.Host
	}
	cp.HttpProfile.ReqTimeout = int(math.Ceil(cfg.Timeout.Seconds()))
	// The SDK would retry any network failure, including a timeout after the request arrived:
	// each call is billed and counted against the provider's daily limit, so Verify retries only
	// what never reached it.
	cp.NetworkFailureMaxRetries = 0
	cp.RateLimitExceededMaxRetries = 0
	cp.DisableRegionBreaker = true
	client := common.NewCommonClient(common.NewCredential(cfg.SecretID, cfg.SecretKey), cfg.Region, cp)
	return &Tencent{cfg: cfg, client: client}, nil
}

type idCardVerificationResponse struct {
	*tchttp.BaseResponse
	Response *struct {
		Result      string `json:"Result"`
		Description string `json:"Description"`
		RequestID   string `json:"RequestId"`
	} `json:"Response"`
}

// Results of IdCardVerification: "0" matches; "-1" name and number differ, "-2" invalid number,
// "-3" invalid name, "-5" no record of the number are answers about the identity; "-4" record
// service error, "-6" authority upgrading, "-7" the provider's daily limit are outages.
var mismatches = map[string]bool{"-1": true, "-2": true, "-3": true, "-5": true}

// Verify asks the authority once (twice when the first call never connected: the question only
// reads, so asking again is safe when nobody heard it the first time).
func (t *Tencent) Verify(ctx context.Context, id Identity) (Verdict, error) {
	v, err := t.call(ctx, id)
	var op *net.OpError
	if err != nil && errors.As(err, &op) && op.Op == "dial" && ctx.Err() == nil {
		v, err = t.call(ctx, id)
	}
	return v, err
}

func (t *Tencent) call(ctx context.Context, id Identity) (Verdict, error) {
	ctx, cancel := context.WithTimeout(ctx, t.cfg.Timeout)
	defer cancel()
	req := tchttp.NewCommonRequest(TencentService, TencentVersion, TencentAction)
	req.SetContext(ctx)
	if err := req.SetActionParameters(map[string]any{"IdCard": id.DocNumber, "Name": id.Name}); err != nil {
		return Verdict{}, fmt.Errorf("%w: build request: %v", ErrUnavailable, err)
	}
	resp := &idCardVerificationResponse{BaseResponse: &tchttp.BaseResponse{}}
	if err := t.client.Send(req, resp); err != nil {
		var sdk *tcerr.TencentCloudSDKError
		if errors.As(err, &sdk) {
			// The SDK's message may quote the body, which names the applicant: code and id only.
			return Verdict{}, fmt.Errorf("%w: %s (request %s)", ErrUnavailable, sdk.Code, sdk.RequestId)
		}
		var op *net.OpError
		if errors.As(err, &op) {
			return Verdict{}, fmt.Errorf("%w: %w", ErrUnavailable, op)
		}
		return Verdict{}, fmt.Errorf("%w: %s", ErrUnavailable, "transport failure")
	}
	if resp.Response == nil {
		return Verdict{}, fmt.Errorf("%w: response without a result", ErrUnavailable)
	}
	r := resp.Response
	switch {
	case r.Result == "0":
		return Verdict{Match: true}, nil
	case mismatches[r.Result]:
		return Verdict{Reason: r.Result + " " + r.Description}, nil
	}
	return Verdict{}, fmt.Errorf("%w: result %s %s (request %s)", ErrUnavailable, r.Result, r.Description, r.RequestID)
}
