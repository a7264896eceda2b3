package wechat

import (
	"context"
	"errors"
	"strconv"
	"time"

	"jszg/server/clock"
	"jszg/shared/api"
	"jszg/wechat/scene"
)

// Notice kinds of the password reset.
const (
	NoticeKindResetLink = "reset_link"
	NoticeKindSecurity  = "security"
)

// ErrNoTemplate: no template is configured for this notice.
var ErrNoTemplate = errors.New("wechat: no template configured for this notice")

// CreateResetScene makes the QR code of 微信验证重置密码 for accountID ("" for a reset that matched
// no account: its scan proves nothing). quotaKey names who is limited (the reset's document
// number, so one account's resets cannot flood WeChat).
func (s *Service) CreateResetScene(ctx context.Context, accountID, quotaKey string) (*api.WeChatScene, error) {
	g, err := s.quotas.Take(ctx, "wechat_scene:"+quotaKey, ScenesPerHour, ScenesPerDay)
	if err != nil {
		return nil, err
	}
	sc, err := s.scenes.Create(ctx, scene.PurposeReset, accountID)
	if err != nil {
		g.Release(ctx)
		return nil, err
	}
	return &api.WeChatScene{
		Scene:     sc.ID,
		QR:        s.publicPrefix + "/api/wechat/scenes/" + sc.ID + "/qr.png",
		ExpiresIn: int(sc.ExpiresAt.Sub(s.clk.Now()).Seconds()),
	}, nil
}

// ResetProof returns the account of a reset scene and the openid that scanned it, when that
// openid was the account's bound one at the scan; ErrSceneNotFound otherwise. The caller also
// checks that the openid is still the bound one.
func (s *Service) ResetProof(ctx context.Context, sceneID string) (accountID, openid string, err error) {
	return s.scenes.ResetProof(ctx, sceneID)
}

// CanSendResetLink reports whether a reset link can go by template message.
func (s *Service) CanSendResetLink() bool { return s.cfg.ResetTemplateID != "" }

// SendResetLink sends the bound WeChat user of accountID a template message whose link opens the
// new-password page (the one-time link of 微信验证重置密码).
func (s *Service) SendResetLink(ctx context.Context, accountID, link string, validFor time.Duration) error {
	if s.cfg.ResetTemplateID == "" {
		return ErrNoTemplate
	}
	now := s.clk.Now().In(clock.China)
	return s.Notify(ctx, accountID, Notice{
		TemplateID: s.cfg.ResetTemplateID,
		Kind:       NoticeKindResetLink,
		URL:        link,
		Data: map[string]string{
			"first":    "您正在通过微信重置中国教师资格网账号的密码。",
			"keyword1": "密码重置",
			"keyword2": now.Format("2006-01-02 15:04"),
			"remark":   "请点击本消息设置新密码，链接" + hoursText(validFor) + "内有效，只能使用一次。如非本人操作，请忽略本消息。",
		},
	})
}

// NotifySecurity tells the bound WeChat user of accountID that something changed on the account
// (what: "密码已重置", "密码已修改", "手机号码已修改").
func (s *Service) NotifySecurity(ctx context.Context, accountID, what string) error {
	if s.cfg.SecurityTemplateID == "" {
		return ErrNoTemplate
	}
	now := s.clk.Now().In(clock.China)
	return s.Notify(ctx, accountID, Notice{
		TemplateID: s.cfg.SecurityTemplateID,
		Kind:       NoticeKindSecurity,
		Data: map[string]string{
			"first":    "您的中国教师资格网账号" + what + "。",
			"keyword1": what,
			"keyword2": now.Format("2006-01-02 15:04"),
			"remark":   "如非本人操作，请立即通过“忘记密码”重置密码，并联系工作人员。",
		},
	})
}

func hoursText(d time.Duration) string {
	h := int(d.Hours())
	if h <= 0 {
		return "1小时"
	}
	return strconv.Itoa(h) + "小时"
}
