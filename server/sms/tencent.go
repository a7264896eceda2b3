package sms

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tcerr "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
	tchttp "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/http"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"
)

// TencentConfig configures the Tencent Cloud SMS adapter.
type TencentConfig struct {
	// SecretID and SecretKey are a CAM key pair allowed to call sms:SendSms.
	SecretID, SecretKey string
	// Region of the API; default ap-guangzhou.
	Region string
	// SdkAppID is the SMS application (SmsSdkAppId, e.g. 1400006666).
	SdkAppID string
	// SignName is the approved signature shown in 【】 before the text.
	SignName string
	// TemplateID is an approved template with two parameters: {1} the code and {2} how many
	// minutes it is valid, e.g. "您的验证码为{1}，{2}分钟内有效，请勿泄露。".
	TemplateID string
	// NoticeTemplateID is an approved template for account notices with two parameters: {1}
	// what happened and {2} when, e.g. "您的账号于{2}{1}，如非本人操作请及时重置密码。". Empty: no
	// notice goes by SMS.
	NoticeTemplateID string
	// Endpoint overrides sms.tencentcloudapi.com: a host name, or a URL such as
	// http://127.0.0.1:8025 for the local stand-in.
	Endpoint string
	// Timeout bounds one send, connection included; default 10 s. A user waits on it.
	Timeout time.Duration
}

// Tencent sends codes with Tencent Cloud SMS (API 2021-01-11, action SendSms). The SDK's sms
// module is not needed: its common package builds, signs (TC3-HMAC-SHA256) and sends any action.
type Tencent struct {
	cfg    TencentConfig
	client *common.Client
}

var _ Sender = (*Tencent)(nil)

const (
	tencentService = "sms"
	tencentVersion = "2021-01-11"
	tencentAction  = "SendSms"
)

// NewTencent checks the configuration and prepares the client; it makes no request.
func NewTencent(cfg TencentConfig) (*Tencent, error) {
	var missing []string
	for name, v := range map[string]string{
		"secret id": cfg.SecretID, "secret key": cfg.SecretKey, "SDK app id": cfg.SdkAppID,
		"sign name": cfg.SignName, "template id": cfg.TemplateID,
	} {
		if strings.TrimSpace(v) == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("tencent sms: missing %s", strings.Join(missing, ", "))
	}
	if cfg.Region == "" {
		cfg.Region = "ap-guangzhou"
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	cp := profile.NewClientProfile()
	if cfg.Endpoint != "" {
		scheme, host, err := splitEndpoint(cfg.Endpoint)
		if err != nil {
			return nil, err
		}
		cp.HttpProfile.Scheme = scheme
		cp.HttpProfile.Endpoint = host
	}
	// Whole seconds for the SDK's HTTP client; the context of each send holds the exact bound.
	cp.HttpProfile.ReqTimeout = int(math.Ceil(cfg.Timeout.Seconds()))
	// No retries: a retried send whose first attempt did arrive is a second text message.
	cp.NetworkFailureMaxRetries = 0
	cp.RateLimitExceededMaxRetries = 0
	// The region breaker would fail over to another domain; the stand-in has none.
	cp.DisableRegionBreaker = true
	client := common.NewCommonClient(common.NewCredential(cfg.SecretID, cfg.SecretKey), cfg.Region, cp)
	return &Tencent{cfg: cfg, client: client}, nil
}

func splitEndpoint(endpoint string) (scheme, host string, err error) {
	if !strings.Contains(endpoint, "://") {
		return "https", endpoint, nil
	}
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return "", "", fmt.Errorf("tencent sms: bad endpoint %q", endpoint)
	}
	return u.Scheme, u.Host, nil
}

type sendStatus struct {
	SerialNo    string `json:"SerialNo"`
	PhoneNumber string `json:"PhoneNumber"`
	Fee         int    `json:"Fee"`
	Code        string `json:"Code"`
	Message     string `json:"Message"`
	IsoCode     string `json:"IsoCode"`
}

type sendSmsResponse struct {
	*tchttp.BaseResponse
	Response *struct {
		SendStatusSet []sendStatus `json:"SendStatusSet"`
		RequestID     string       `json:"RequestId"`
	} `json:"Response"`
}

// SendCode sends one code to one number with the configured template.
func (t *Tencent) SendCode(ctx context.Context, phone, code string, validMinutes int) error {
	return t.send(ctx, phone, t.cfg.TemplateID, []string{code, strconv.Itoa(validMinutes)})
}

// ErrNoNoticeTemplate: no notice template is configured.
var ErrNoNoticeTemplate = errors.New("sms: no notice template configured")

// SendNotice sends an account notice (what happened, when) with the notice template.
func (t *Tencent) SendNotice(ctx context.Context, phone, what, when string) error {
	if t.cfg.NoticeTemplateID == "" {
		return ErrNoNoticeTemplate
	}
	return t.send(ctx, phone, t.cfg.NoticeTemplateID, []string{what, when})
}

func (t *Tencent) send(ctx context.Context, phone, templateID string, params []string) error {
	masked := maskPhone(phone)
	if !mainlandMobile.MatchString(phone) {
		return &Error{Kind: ErrPhoneRejected, Phone: masked, Message: "not a mainland mobile number"}
	}
	ctx, cancel := context.WithTimeout(ctx, t.cfg.Timeout)
	defer cancel()
	req := tchttp.NewCommonRequest(tencentService, tencentVersion, tencentAction)
	req.SetContext(ctx)
	err := req.SetActionParameters(map[string]any{
		"PhoneNumberSet":   []string{"+86" + phone},
		"SmsSdkAppId":      t.cfg.SdkAppID,
		"SignName":         t.cfg.SignName,
		"TemplateId":       templateID,
		"TemplateParamSet": params,
	})
	if err != nil {
		return &Error{Kind: ErrUnavailable, Phone: masked, Message: "build request", cause: err}
	}
	resp := &sendSmsResponse{BaseResponse: &tchttp.BaseResponse{}}
	if err := t.client.Send(req, resp); err != nil {
		return apiFailure(err, masked)
	}
	if resp.Response == nil || len(resp.Response.SendStatusSet) != 1 {
		return &Error{Kind: ErrUnavailable, Phone: masked, Message: "response without exactly one send status"}
	}
	st := resp.Response.SendStatusSet[0]
	if st.Code != "Ok" {
		return &Error{
			Kind:      kindOf(st.Code),
			Code:      st.Code,
			Message:   scrub(st.Message),
			RequestID: resp.Response.RequestID,
			Phone:     masked,
		}
	}
	return nil
}

// apiFailure turns what the SDK returned into an Error. The SDK's own messages may quote the
// response body, which names the number, so they are scrubbed like the provider's.
func apiFailure(err error, masked string) error {
	var sdk *tcerr.TencentCloudSDKError
	if !errors.As(err, &sdk) {
		return &Error{Kind: ErrUnavailable, Phone: masked, Message: scrub(err.Error()), cause: err}
	}
	msg := sdk.Message
	if cause := sdk.Unwrap(); cause != nil {
		msg += ": " + cause.Error()
	}
	return &Error{
		Kind:      kindOf(sdk.Code),
		Code:      sdk.Code,
		Message:   scrub(msg),
		RequestID: sdk.RequestId,
		Phone:     masked,
		cause:     err,
	}
}

// Provider codes that concern the number rather than the service. Everything else (AuthFailure.*,
// FailedOperation.InsufficientBalanceInSmsPackage, FailedOperation.SignatureIncorrectOrUnapproved,
// FailedOperation.TemplateIncorrectOrUnapproved, InvalidParameterValue.TemplateParameter*,
// InternalError.*, RequestLimitExceeded, ClientError.* from the SDK, ...) is ErrUnavailable.
var tencentKinds = map[string]error{
	"LimitExceeded.PhoneNumberDailyLimit":            ErrRateLimited,
	"LimitExceeded.PhoneNumberOneHourLimit":          ErrRateLimited,
	"LimitExceeded.PhoneNumberThirtySecondLimit":     ErrRateLimited,
	"LimitExceeded.PhoneNumberSameContentDailyLimit": ErrRateLimited,
	"LimitExceeded.DeliveryFrequencyLimit":           ErrRateLimited,
	"InvalidParameterValue.IncorrectPhoneNumber":     ErrPhoneRejected,
	"FailedOperation.PhoneNumberInBlacklist":         ErrPhoneRejected,
	"FailedOperation.PhoneNumberParseFail":           ErrPhoneRejected,
	"UnsupportedOperation.UnsupportedRegion":         ErrPhoneRejected,
}

func kindOf(code string) error {
	if k, ok := tencentKinds[code]; ok {
		return k
	}
	return ErrUnavailable
}
