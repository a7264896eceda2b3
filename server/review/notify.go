package review

import (
	"context"
	"fmt"

	"jszg/server/account"
)

// The decision as the applicant reads it.
const (
	MsgApproved = "人工审核通过，可正常办理业务。如有需要，仍可进行实名核验。"
	MsgRejected = "人工审核未通过。原因："
)

// WeChatNotifier sends a template message to the account's bound WeChat user (the service
// account's Notify, adapted where the server is wired: the WeChat package mounts HTTP routes,
// and this one is below them).
type WeChatNotifier interface {
	NotifyTemplate(ctx context.Context, accountID, templateID, kind, link string, data map[string]string) error
}

// SMSNotifier sends a text of an approved template.
type SMSNotifier interface {
	SendTemplate(ctx context.Context, phone, templateID string, params []string) error
}

// Notices tells applicants of decisions: a WeChat template message when the account is bound
// and its user follows the service account, else an SMS to the registered phone.
type Notices struct {
	WeChat         WeChatNotifier
	WeChatTemplate string
	SMS            SMSNotifier
	// SMSTemplate has two parameters: the result (通过 / 未通过) and the reason (or “无”).
	SMSTemplate string
}

// ReviewDecided implements Notifier.
func (n *Notices) ReviewDecided(ctx context.Context, acc *account.Account, approved bool, reason string) error {
	result, text := "通过", MsgApproved
	if !approved {
		result, text = "未通过", MsgRejected+reason
	}
	var wxErr error
	if n.WeChat != nil && n.WeChatTemplate != "" {
		wxErr = n.WeChat.NotifyTemplate(ctx, acc.ID, n.WeChatTemplate, "review_result", "/profile",
			map[string]string{"first": text, "keyword1": "人工审核", "keyword2": result, "remark": "请登录中国教师资格网个人信息中心查看。"})
		if wxErr == nil {
			return nil
		}
	}
	// Not bound, unfollowed or WeChat failing: the SMS is the way left.
	if n.SMS == nil || n.SMSTemplate == "" {
		return fmt.Errorf("no way to tell the applicant (WeChat: %v)", wxErr)
	}
	r := reason
	if r == "" {
		r = "无"
	}
	return n.SMS.SendTemplate(ctx, acc.Phone, n.SMSTemplate, []string{result, r})
}
