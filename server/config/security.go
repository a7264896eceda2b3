package config

import (
	"fmt"
	"os"
	"strings"

	"jszg/server/pii"
)

// Settings of the security hardening, read by FromEnv and checked by Check.

// Security is the part of the configuration that keeps personal data and stand-ins safe.
type Security struct {
	// PIIKeys seal personal information (JSZG_PII_KEYS, "id:base64secret,...", the sealing key
	// first); PIIIndexKey keys its blind indexes (JSZG_PII_INDEX_KEY, base64); PIICipher is
	// aes-256-gcm (default) or sm4-gcm (JSZG_PII_CIPHER). Unset in the local run: keys are made at
	// first start and kept in the database, like the server secret. Required with MongoDB or any
	// real provider.
	PIIKeys     []pii.Key
	PIIIndexKey []byte
	PIICipher   string
	// StandInsOn (JSZG_STANDINS=on) asks for the local stand-ins explicitly; without it they start
	// only when no real provider at all is configured.
	StandInsOn bool
	// WeChatCompatible (JSZG_WECHAT_COMPATIBLE=on) accepts plaintext pushes beside encrypted ones
	// while an AES key is set: the 公众平台's 兼容模式, for the switch-over only.
	WeChatCompatible bool
}

// composePlaceholder is the secret docker-compose.yml falls back to; it is public, so refused.
const composePlaceholder = "change-me-to-32-or-more-random-characters"

func securityFromEnv(c *Config) error {
	s := &c.Security
	s.PIICipher = env("JSZG_PII_CIPHER", pii.AES256GCM)
	s.StandInsOn = os.Getenv("JSZG_STANDINS") == "on"
	s.WeChatCompatible = os.Getenv("JSZG_WECHAT_COMPATIBLE") == "on"
	var err error
	if v := os.Getenv("JSZG_PII_KEYS"); v != "" {
		if s.PIIKeys, err = pii.ParseKeys(v); err != nil {
			return fmt.Errorf("JSZG_PII_KEYS: %w", err)
		}
	}
	if v := os.Getenv("JSZG_PII_INDEX_KEY"); v != "" {
		if s.PIIIndexKey, err = pii.ParseSecret(v); err != nil {
			return fmt.Errorf("JSZG_PII_INDEX_KEY: %w", err)
		}
	}
	return nil
}

// realProviders lists the real providers configured.
func (c *Config) realProviders() []string {
	var out []string
	if c.SMSProvider != "" {
		out = append(out, "JSZG_SMS_PROVIDER")
	}
	if c.WeChat.AppID != "" {
		out = append(out, "JSZG_WECHAT_APPID")
	}
	if c.SMTP.Host != "" {
		out = append(out, "JSZG_SMTP_HOST")
	}
	if c.MoE.Issuer != "" {
		out = append(out, "JSZG_MOE_ISSUER")
	}
	return out
}

func (c *Config) checkSecurity() error {
	s := c.Security
	real := c.realProviders()
	if s.StandInsOn && len(real) > 0 {
		return fmt.Errorf("JSZG_STANDINS=on cannot be combined with real providers (%s)", strings.Join(real, ", "))
	}
	// A stand-in beside a real provider would let anyone prove a phone, a mailbox, a WeChat
	// account or an MoE identity that is not theirs (the WeChat stand-in's "phone" scans any QR
	// code, the MoE stand-in signs in as anyone), so it is all or nothing.
	if len(real) > 0 && len(real) < 4 {
		return fmt.Errorf("%s set but not all of the real providers: stand-ins never run beside real providers; configure JSZG_SMS_PROVIDER, JSZG_WECHAT_APPID, JSZG_SMTP_HOST and JSZG_MOE_ISSUER together", strings.Join(real, ", "))
	}
	if c.WeChat.AppID != "" && c.WeChat.OriginalID == "" {
		return fmt.Errorf("JSZG_WECHAT_ORIGINAL_ID (the service account's gh_ id) is required with JSZG_WECHAT_APPID: pushes not addressed to it are refused")
	}
	if c.Secret == composePlaceholder {
		return fmt.Errorf("JSZG_SECRET is docker-compose.yml's placeholder; set a random secret")
	}
	if c.MongoURI != "" && c.Secret == "" {
		return fmt.Errorf("JSZG_SECRET is required with MONGODB_URI: the key of the code hashes must not live in the database beside them")
	}
	external := c.MongoURI != "" || len(real) > 0
	if external && (len(s.PIIKeys) == 0 || len(s.PIIIndexKey) == 0) {
		return fmt.Errorf("JSZG_PII_KEYS and JSZG_PII_INDEX_KEY are required with MongoDB or real providers: the keys of personal data must not live in the database they protect")
	}
	if len(s.PIIKeys) > 0 || len(s.PIIIndexKey) > 0 {
		if _, err := pii.New(pii.Config{Cipher: s.PIICipher, Keys: s.PIIKeys, IndexKey: s.PIIIndexKey}); err != nil {
			return fmt.Errorf("personal-data keys: %w", err)
		}
	}
	return nil
}
