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

	// RealName is the real-name authority (JSZG_REALNAME_*); no provider starts the stand-in.
	RealName RealName

	// PhotoKey encrypts the manual review's photos (JSZG_PHOTO_KEY, 64 hex digits, AES-256).
	// Empty: one is made at first start and kept in the database, like Secret.
	PhotoKey string
	// ReviewTemplates are the notices of a review's decision: the WeChat template
	// (JSZG_WECHAT_TEMPLATE_REVIEW) and the SMS template (JSZG_SMS_TENCENT_TEMPLATE_REVIEW).
	ReviewWeChatTemplate, ReviewSMSTemplate string
	// ContactSMSTemplate tells an applicant an admin corrected their phone and e-mail
	// (JSZG_SMS_TENCENT_TEMPLATE_CONTACT, no parameters).
	ContactSMSTemplate string

	// Entries are the business systems' addresses (JSZG_ENTRY_*_URL) a verified account goes on
	// to from 个人信息中心.
	Entries map[string]string

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

// RealName configures the real-name authority: "" (the local stand-in) or "tencent".
type RealName struct {
	Provider                              string
	SecretID, SecretKey, Region, Endpoint string
	Timeout                               time.Duration
}

// DefaultEntries sends both business entries to the service's portal.
func DefaultEntries() map[string]string {
	return map[string]string{"certification": "https://www.jszg.edu.cn/", "registration": "https://www.jszg.edu.cn/"}
}

// StandIns reports whether the local stand-ins are in use: asked for (JSZG_STANDINS=on) or no
// real provider configured at all. Check refuses a mix of stand-ins and real providers. The
// developer pages (/dev/outbox, /dev/wechat, /dev/moe) are served while the stand-ins are on, to
// loopback clients only.
func (c *Config) StandIns() bool {
	return c.Security.StandInsOn || (c.SMSProvider == "" && c.WeChat.AppID == "" && c.SMTP.Host == "" && c.MoE.Issuer == "" && c.RealName.Provider == "")
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
	c.RealName = RealName{
		Provider:  os.Getenv("JSZG_REALNAME_PROVIDER"),
		SecretID:  os.Getenv("JSZG_REALNAME_TENCENT_SECRET_ID"),
		SecretKey: os.Getenv("JSZG_REALNAME_TENCENT_SECRET_KEY"),
		Region:    env("JSZG_REALNAME_TENCENT_REGION", "ap-guangzhou"),
		Endpoint:  os.Getenv("JSZG_REALNAME_TENCENT_ENDPOINT"),
	}
	if v := os.Getenv("JSZG_REALNAME_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return nil, fmt.Errorf("JSZG_REALNAME_TIMEOUT: %w", err)
		}
		c.RealName.Timeout = d
	}
	c.PhotoKey = os.Getenv("JSZG_PHOTO_KEY")
	c.ReviewWeChatTemplate = os.Getenv("JSZG_WECHAT_TEMPLATE_REVIEW")
	c.ReviewSMSTemplate = os.Getenv("JSZG_SMS_TENCENT_TEMPLATE_REVIEW")
	c.ContactSMSTemplate = os.Getenv("JSZG_SMS_TENCENT_TEMPLATE_CONTACT")
	c.Entries = DefaultEntries()
	for entry, name := range map[string]string{"certification": "JSZG_ENTRY_CERTIFICATION_URL", "registration": "JSZG_ENTRY_REGISTRATION_URL"} {
		if v := os.Getenv(name); v != "" {
			c.Entries[entry] = v
		}
	}
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
	switch c.RealName.Provider {
	case "":
	case "tencent":
		if c.RealName.SecretID == "" || c.RealName.SecretKey == "" {
			return fmt.Errorf("JSZG_REALNAME_PROVIDER=tencent needs JSZG_REALNAME_TENCENT_SECRET_ID and _SECRET_KEY")
		}
	default:
		return fmt.Errorf("JSZG_REALNAME_PROVIDER: unknown provider %q (want tencent, or unset for the local stand-in)", c.RealName.Provider)
	}
	if c.CaptchaOff && !c.StandIns() {
		return fmt.Errorf("JSZG_CAPTCHA=off is only allowed with the local stand-ins, never with real providers")
	}
	if k := c.PhotoKey; k != "" && len(k) != 64 {
		return fmt.Errorf("JSZG_PHOTO_KEY must be 64 hex digits (a 256-bit key)")
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
