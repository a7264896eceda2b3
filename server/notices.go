package server

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"jszg/server/account"
	"jszg/server/clock"
	"jszg/server/sms"
	"jszg/wechat"
)

// accountNotices tells an account holder that their password or phone changed: a template
// message when the account is bound to the service account and its user follows it, else an SMS
// with the notice template. It runs in the background, after the change is done: the notice
// changes nothing about it, and WeChat's retries must not hold the answer.
type accountNotices struct {
	wx  *wechat.Service
	sms *sms.Tencent
	clk clock.Clock
	log *slog.Logger
}

func (n accountNotices) Notify(ctx context.Context, acc *account.Account, what string) {
	go func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 20*time.Second)
		defer cancel()
		if n.wx != nil {
			err := n.wx.NotifySecurity(ctx, acc.ID, what)
			if err == nil {
				return
			}
			if !errors.Is(err, wechat.ErrNotBound) && !errors.Is(err, wechat.ErrUnfollowed) && !errors.Is(err, wechat.ErrNoTemplate) {
				n.log.Warn("security notice by wechat failed, trying SMS", "err", err)
			}
		}
		n.sendSMS(ctx, acc.Phone, what)
	}()
}

func (n accountNotices) TellPhone(ctx context.Context, phone, what string) {
	go func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 20*time.Second)
		defer cancel()
		n.sendSMS(ctx, phone, what)
	}()
}

func (n accountNotices) sendSMS(ctx context.Context, phone, what string) {
	when := n.clk.Now().In(clock.China).Format("2006-01-02 15:04")
	if err := n.sms.SendNotice(ctx, phone, what, when); err != nil && !errors.Is(err, sms.ErrNoNoticeTemplate) {
		n.log.Warn("security notice by SMS failed", "err", err)
	}
}
