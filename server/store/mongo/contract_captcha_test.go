package mongo_test

import (
	"testing"

	"jszg/server/captcha"
	"jszg/server/captcha/captchatest"
	"jszg/server/store/mongo/mongotest"
)

func TestCaptchaContract(t *testing.T) {
	captchatest.Run(t, func(t *testing.T) captcha.Store { return mongotest.Open(t).Captcha() })
}
