package config

import (
	"strings"
	"testing"

	"jszg/server/pii"
)

func TestCheckRefusesUnsafeSettings(t *testing.T) {
	keys := Security{PIIKeys: []pii.Key{{ID: "k1", Secret: []byte(strings.Repeat("k", 32))}}, PIIIndexKey: []byte(strings.Repeat("i", 32))}
	tencent := TencentSMS{SecretID: "id", SecretKey: "key", AppID: "1400000000", SignName: "中国教师资格网", TemplateID: "1"}
	for name, tc := range map[string]struct {
		cfg  Config
		want string // part of the error; "" for none
	}{
		"local run":                          {Config{}, ""},
		"captcha off with stand-ins":         {Config{CaptchaOff: true}, ""},
		"captcha off with real SMS":          {Config{CaptchaOff: true, SMSProvider: "tencent", Tencent: tencent}, "JSZG_CAPTCHA=off"},
		"tencent without credentials":        {Config{SMSProvider: "tencent"}, "JSZG_SMS_TENCENT"},
		"unknown SMS provider":               {Config{SMSProvider: "carrier-pigeon"}, "unknown provider"},
		"short secret":                       {Config{Secret: "too short"}, "32 characters"},
		"real SMS with the WeChat stand-in":  {Config{SMSProvider: "tencent", Tencent: tencent}, "stand-ins never run beside real providers"},
		"stand-ins asked for with real SMS":  {Config{SMSProvider: "tencent", Tencent: tencent, Security: Security{StandInsOn: true}}, "JSZG_STANDINS=on"},
		"compose placeholder secret":         {Config{Secret: composePlaceholder}, "placeholder"},
		"MongoDB without a secret":           {Config{MongoURI: "mongodb://db"}, "JSZG_SECRET is required"},
		"MongoDB without personal-data keys": {Config{MongoURI: "mongodb://db", Secret: strings.Repeat("s", 32)}, "JSZG_PII_KEYS"},
		"MongoDB with everything":            {Config{MongoURI: "mongodb://db", Secret: strings.Repeat("s", 32), Security: keys}, ""},
	} {
		err := tc.cfg.Check()
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", name, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: %v, want an error about %s", name, err, tc.want)
		}
	}
}

func TestCaptchaOffIsRefusedWithRealWeChat(t *testing.T) {
	c := Config{CaptchaOff: true}
	c.WeChat.AppID = "wx0123456789abcdef"
	if err := c.Check(); err == nil {
		t.Fatal("captcha off with a real WeChat service account was accepted")
	}
}
