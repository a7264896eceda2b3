// Package config reads the server's settings from the environment. Every setting has a default
// that gives the one-command local run: the embedded store under ./data, local stand-ins for
// SMS, e-mail, WeChat and the real-name authority, on http://127.0.0.1:8080.
package config

import (
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"jszg/wechat"
)

// Config is the server's settings.
type Config struct {
	Addr     string // JSZG_ADDR, listen address
	LogLevel slog.Level

	MongoURI string // MONGODB_URI; empty starts the embedded store
	Database string // JSZG_DB
	DataDir  string // JSZG_DATA_DIR, the embedded store's files

	// Secret keys code hashes and CSRF tokens (JSZG_SECRET, at least 32 characters). Empty: one
	// is made at first start and kept in the database, so every instance shares it.
	Secret string

	WebDir string // JSZG_WEB_DIR, the built Wasm client and static files

	CaptchaOff bool // JSZG_CAPTCHA=off: load tests only, refused with real providers

	SMSProvider string // JSZG_SMS_PROVIDER: "" (local stand-in) or "tencent"
	Tencent     TencentSMS

	// WeChat is the service account (JSZG_WECHAT_*); no AppID starts the local stand-in.
	WeChat wechat.Config

	// TrustedProxies are the reverse proxies whose X-Forwarded-For is believed
	// (JSZG_TRUSTED_PROXIES, comma-separated addresses or CIDRs).
	TrustedProxies []string
	// ReturnHosts are the business systems a sign-in may return to (JSZG_RETURN_HOSTS).
	ReturnHosts []string

	// SMTP sends e-mail (JSZG_SMTP_*); no host starts the local SMTP stand-in.
	SMTP SMTP
	// MoE is 教育部账号登录 (JSZG_MOE_*); no issuer starts the local OpenID Connect stand-in.
	MoE MoE
	// QR images of the 订阅号 and 服务号 on 登录 (JSZG_QR_SUBSCRIPTION, JSZG_QR_SERVICE: paths of
	// PNG or JPEG files); empty renders the stand-in's own codes.
	QRSubscription, QRService string

	ShutdownTimeout time.Duration

	// Security: personal-data keys, stand-ins, WeChat compatible mode (security.go).
	Security Security
}

// SMTP configures the mail submission server.
type SMTP struct {
	Host, Username, Password, From, TLS string
	Port                                int
}

// MoE configures the OpenID Connect client of the MoE unified identity platform.
type MoE struct {
	Issuer, ClientID, ClientSecret, DocNumberClaim, NameClaim string
	Scopes                                                    []string
}

// TencentSMS configures Tencent Cloud SMS.
type TencentSMS struct {
	SecretID, SecretKey, Region, AppID, SignName, TemplateID, Endpoint string
	// NoticeTemplateID is the template of account notices (JSZG_SMS_TENCENT_NOTICE_TEMPLATE_ID).
	NoticeTemplateID string
}

// StandIns reports whether the local stand-ins are in use: asked for (JSZG_STANDINS=on) or no
// real provider configured at all. Check refuses a mix of stand-ins and real providers. The
// developer pages (/dev/outbox, /dev/wechat, /dev/moe) are served while the stand-ins are on, to
// loopback clients only.
func (c *Config) StandIns() bool {
	return c.Security.StandInsOn || (c.SMSProvider == "" && c.WeChat.AppID == "" && c.SMTP.Host == "" && c.MoE.Issuer == "")
}

// FromEnv reads the configuration.
func FromEnv() (*Config, error) {
	c := &Config{
		Addr:            env("JSZG_ADDR", "127.0.0.1:8080"),
		MongoURI:        os.Getenv("MONGODB_URI"),
		Database:        env("JSZG_DB", "jszg"),
		DataDir:         env("JSZG_DATA_DIR", "data"),
		Secret:          os.Getenv("JSZG_SECRET"),
		WebDir:          env("JSZG_WEB_DIR", "web"),
		CaptchaOff:      os.Getenv("JSZG_CAPTCHA") == "off",
		SMSProvider:     os.Getenv("JSZG_SMS_PROVIDER"),
		TrustedProxies:  list(os.Getenv("JSZG_TRUSTED_PROXIES")),
		ReturnHosts:     list(os.Getenv("JSZG_RETURN_HOSTS")),
		ShutdownTimeout: 15 * time.Second,
		WeChat:          wechat.ConfigFromEnv(),
		Tencent: TencentSMS{
			SecretID:   os.Getenv("JSZG_SMS_TENCENT_SECRET_ID"),
			SecretKey:  os.Getenv("JSZG_SMS_TENCENT_SECRET_KEY"),
			Region:     env("JSZG_SMS_TENCENT_REGION", "ap-guangzhou"),
			AppID:      os.Getenv("JSZG_SMS_TENCENT_APP_ID"),
			SignName:   os.Getenv("JSZG_SMS_TENCENT_SIGN_NAME"),
			TemplateID: os.Getenv("JSZG_SMS_TENCENT_TEMPLATE_ID"),
			Endpoint:   os.Getenv("JSZG_SMS_TENCENT_ENDPOINT"),

			NoticeTemplateID: os.Getenv("JSZG_SMS_TENCENT_NOTICE_TEMPLATE_ID"),
		},
	}
	c.SMTP = SMTP{Host: os.Getenv("JSZG_SMTP_HOST"), Username: os.Getenv("JSZG_SMTP_USERNAME"),
		Password: os.Getenv("JSZG_SMTP_PASSWORD"), From: env("JSZG_SMTP_FROM", "noreply@jszg.edu.cn"), TLS: os.Getenv("JSZG_SMTP_TLS")}
	if p := os.Getenv("JSZG_SMTP_PORT"); p != "" {
		if _, err := fmt.Sscan(p, &c.SMTP.Port); err != nil {
			return nil, fmt.Errorf("JSZG_SMTP_PORT: %w", err)
		}
	}
	c.MoE = MoE{Issuer: os.Getenv("JSZG_MOE_ISSUER"), ClientID: os.Getenv("JSZG_MOE_CLIENT_ID"),
		ClientSecret: os.Getenv("JSZG_MOE_CLIENT_SECRET"), DocNumberClaim: env("JSZG_MOE_CLAIM_DOC_NUMBER", "id_number"),
		NameClaim: env("JSZG_MOE_CLAIM_NAME", "name"), Scopes: strings.Fields(env("JSZG_MOE_SCOPES", "profile"))}
	c.QRSubscription, c.QRService = os.Getenv("JSZG_QR_SUBSCRIPTION"), os.Getenv("JSZG_QR_SERVICE")
	if err := c.LogLevel.UnmarshalText([]byte(env("JSZG_LOG_LEVEL", "info"))); err != nil {
		return nil, fmt.Errorf("JSZG_LOG_LEVEL: %w", err)
	}
	if err := securityFromEnv(c); err != nil {
		return nil, err
	}
	return c, c.Check()
}

// Check refuses settings that are inconsistent or unsafe.
func (c *Config) Check() error {
	switch c.SMSProvider {
	case "":
	case "tencent":
		t := c.Tencent
		if t.SecretID == "" || t.SecretKey == "" || t.AppID == "" || t.SignName == "" || t.TemplateID == "" {
			return fmt.Errorf("JSZG_SMS_PROVIDER=tencent needs JSZG_SMS_TENCENT_SECRET_ID, _SECRET_KEY, _APP_ID, _SIGN_NAME and _TEMPLATE_ID")
		}
	default:
		return fmt.Errorf("JSZG_SMS_PROVIDER: unknown provider %q (want tencent, or unset for the local stand-in)", c.SMSProvider)
	}
	if c.MoE.Issuer != "" && c.MoE.ClientID == "" {
		return fmt.Errorf("JSZG_MOE_ISSUER needs JSZG_MOE_CLIENT_ID (and JSZG_MOE_CLIENT_SECRET)")
	}
	if c.CaptchaOff && !c.StandIns() {
		return fmt.Errorf("JSZG_CAPTCHA=off is only allowed with the local stand-ins, never with real providers")
	}
	if c.Secret != "" && len(c.Secret) < 32 {
		return fmt.Errorf("JSZG_SECRET must be at least 32 characters")
	}
	return c.checkSecurity()
}

func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func list(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
