package server

import (
	"context"
	"fmt"
	"os"
	"strings"

	qrcode "github.com/skip2/go-qrcode"

	"jszg/server/clock"
	"jszg/server/config"
	"jszg/server/mail"
	"jszg/server/moelogin"
	"jszg/server/outbox"
	"jszg/server/store"
)

// mailSender is the configured SMTP server, or, without one, the same SMTP adapter talking to an
// SMTP server in process whose messages land in the developer outbox.
func (s *Server) mailSender(cfg *config.Config) (mail.Sender, error) {
	if cfg.SMTP.Host != "" {
		c := cfg.SMTP
		return mail.NewSMTP(mail.SMTPConfig{Host: c.Host, Port: c.Port, Username: c.Username, Password: c.Password, From: c.From, TLS: c.TLS})
	}
	box := s.Outbox
	standIn, err := mail.StartStandIn(func(m mail.Received) {
		if box == nil {
			return
		}
		for _, to := range m.To {
			_ = box.Put(context.Background(), outbox.Message{Channel: "email", To: to, Subject: m.Subject, Text: m.Text})
		}
	})
	if err != nil {
		return nil, err
	}
	s.MailStandIn = standIn
	s.closers = append(s.closers, func() { _ = standIn.Close() })
	from := cfg.SMTP.From
	if from == "" {
		from = "noreply@jszg.edu.cn"
	}
	return mail.NewSMTP(mail.SMTPConfig{Host: "127.0.0.1", Port: standIn.Port(), From: from, TLS: mail.TLSNone, Attempts: 2})
}

// moeClient is the OpenID Connect client of the configured platform, or of the local provider
// (whose sign-in page the server mounts among the developer pages).
func (s *Server) moeClient(cfg *config.Config, st *store.Stores, clk clock.Clock) (*moelogin.Client, error) {
	m := cfg.MoE
	if m.Issuer != "" {
		return moelogin.New(moelogin.Config{Issuer: m.Issuer, ClientID: m.ClientID, ClientSecret: m.ClientSecret,
			Scopes: m.Scopes, DocNumberClaim: m.DocNumberClaim, NameClaim: m.NameClaim}, st.MoE, clk), nil
	}
	standIn, err := moelogin.StartStandIn(m.DocNumberClaim, m.NameClaim)
	if err != nil {
		return nil, fmt.Errorf("start the MoE stand-in: %w", err)
	}
	s.MoEStandIn = standIn
	s.closers = append(s.closers, func() { _ = standIn.Close() })
	// A relative URL: the sign-in page is on this server, whatever address the browser uses.
	return moelogin.New(standIn.Config(moelogin.DevPath), st.MoE, clk), nil
}

// followQR returns the 订阅号 and 服务号 QR images of 登录: the configured files, or codes rendered
// here that lead to the stand-in's own accounts.
func (s *Server) followQR(cfg *config.Config) (map[string][]byte, error) {
	out := map[string][]byte{}
	for kind, path := range map[string]string{"subscription": cfg.QRSubscription, "service": cfg.QRService} {
		if path != "" {
			b, err := os.ReadFile(path)
			if err != nil {
				return nil, fmt.Errorf("QR image of the %s account: %w", kind, err)
			}
			out[kind] = b
			continue
		}
		if !cfg.StandIns() && cfg.WeChat.AppID != "" {
			continue // a real deployment without its image shows none rather than a stand-in's
		}
		appID := cfg.WeChat.AppID
		if s.WeChat != nil && s.WeChat.StandIn() != nil {
			appID = s.WeChat.StandIn().Config().AppID
		}
		png, err := qrcode.Encode("https://mp.weixin.qq.com/mp/profile_ext?action=home&__biz="+strings.ToUpper(kind[:1])+appID, qrcode.Medium, 256)
		if err != nil {
			return nil, err
		}
		out[kind] = png
	}
	return out, nil
}
