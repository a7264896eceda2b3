package wechat

import (
	"context"
	"time"

	"jszg/wechat/binding"
)

// NoticeKindBound is the kind of the notice sent when an account is bound.
const NoticeKindBound = "bound"

// notifyingBindings sends the 绑定成功 template message after every new binding, whichever way it
// was made (scan, OAuth, registration), so the applicant sees at once in WeChat that the service
// account will reach them. The notice goes out in the background: a binding made while answering
// a WeChat push must reply within WeChat's five seconds, and a notice that fails changes nothing
// about the binding (its record says what happened).
type notifyingBindings struct {
	*binding.Bindings
	s *Service
}

func (b notifyingBindings) Bind(ctx context.Context, accountID, openid, via string, followed bool) error {
	if err := b.Bindings.Bind(ctx, accountID, openid, via, followed); err != nil {
		return err
	}
	if b.s.cfg.BoundTemplateID != "" && followed {
		go b.s.noticeBound(accountID)
	}
	return nil
}

func (s *Service) noticeBound(accountID string) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	now := s.clk.Now().In(time.FixedZone("CST", 8*3600))
	err := s.Notify(ctx, accountID, Notice{
		TemplateID: s.cfg.BoundTemplateID,
		Kind:       NoticeKindBound,
		Data: map[string]string{
			"first":    "您的微信已成功绑定中国教师资格网账号。",
			"keyword1": "账号绑定",
			"keyword2": now.Format("2006-01-02 15:04"),
			"remark":   "今后可通过本服务号获取验证码、重置密码和接收人工审核结果通知。如非本人操作，请登录个人信息中心解除绑定。",
		},
	})
	if err != nil {
		s.log.Warn("binding notice not sent", "err", err)
	}
}
