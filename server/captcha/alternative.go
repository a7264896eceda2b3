package captcha

import (
	"context"
	"fmt"
	"time"

	"jszg/shared/api"
)

// Grant issues a pass without a puzzle, to a caller that proved itself another way: the
// accessible alternative, a code by SMS in place of the puzzle, which the caller has checked
// (codesend.Flow.CheckCaptchaCode). The pass is the same single-use token Verify issues.
func (s *Service) Grant(ctx context.Context) (*api.CaptchaPass, error) {
	token, err := randomToken(32)
	if err != nil {
		return nil, err
	}
	if s.opts.Disabled {
		return &api.CaptchaPass{Pass: token, ExpiresIn: int(s.opts.PassTTL / time.Second)}, nil
	}
	if err := s.st.PutPass(ctx, hashPass(token), s.clk.Now().Add(s.opts.PassTTL)); err != nil {
		return nil, fmt.Errorf("store captcha pass: %w", err)
	}
	return &api.CaptchaPass{Pass: token, ExpiresIn: int(s.opts.PassTTL / time.Second)}, nil
}
