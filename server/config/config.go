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

	ShutdownTimeout time.Duration
}

// TencentSMS configures Tencent Cloud SMS.
type TencentSMS struct {
	SecretID, SecretKey, Region, AppID, SignName, TemplateID, Endpoint string
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

// StandIns reports whether only local stand-ins are in use (no real provider configured). Each
// stand-in's developer page (/dev/outbox, /dev/wechat) is served while that stand-in is on.
func (c *Config) StandIns() bool { return c.SMSProvider == "" && c.WeChat.AppID == "" }

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
		},
	}
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
	return nil
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
