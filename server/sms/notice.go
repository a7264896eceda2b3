package sms

import (
	"context"

	tchttp "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/http"
)

// SendTemplate sends one text of another approved template (a notice rather than a code, such
// as a manual review's result) to one number. Like SendCode it is never retried.
func (t *Tencent) SendTemplate(ctx context.Context, phone, templateID string, params []string) error {
	masked := maskPhone(phone)
	if !mainlandMobile.MatchString(phone) {
		return &Error{Kind: ErrPhoneRejected, Phone: masked, Message: "not a mainland mobile number"}
	}
	ctx, cancel := context.WithTimeout(ctx, t.cfg.Timeout)
	defer cancel()
	req := tchttp.NewCommonRequest(tencentService, tencentVersion, tencentAction)
	req.SetContext(ctx)
	if err := req.SetActionParameters(map[string]any{
		"PhoneNumberSet":   []string{"+86" + phone},
		"SmsSdkAppId":      t.cfg.SdkAppID,
		"SignName":         t.cfg.SignName,
		"TemplateId":       templateID,
		"TemplateParamSet": params,
	}); err != nil {
		return &Error{Kind: ErrUnavailable, Phone: masked, Message: "build request", cause: err}
	}
	resp := &sendSmsResponse{BaseResponse: &tchttp.BaseResponse{}}
	if err := t.client.Send(req, resp); err != nil {
		return apiFailure(err, masked)
	}
	if resp.Response == nil || len(resp.Response.SendStatusSet) != 1 {
		return &Error{Kind: ErrUnavailable, Phone: masked, Message: "response without exactly one send status"}
	}
	if st := resp.Response.SendStatusSet[0]; st.Code != "Ok" {
		return &Error{Kind: kindOf(st.Code), Code: st.Code, Message: scrub(st.Message), RequestID: resp.Response.RequestID, Phone: masked}
	}
	return nil
}
