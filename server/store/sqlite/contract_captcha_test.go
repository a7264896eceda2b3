package sqlite_test

import (
	"testing"

	"jszg/server/captcha"
	"jszg/server/captcha/captchatest"
)

func TestCaptchaContract(t *testing.T) {
	captchatest.Run(t, func(t *testing.T) captcha.Store { return open(t).Captcha() })
}
