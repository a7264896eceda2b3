package captcha

import (
	"context"
	"fmt"
	"time"

	"jszg/shared/api"
)

// Grant issues a pass without a puzzle, to a caller that proved itself another way: the
// accessible alternative, a code by SMS in place of the puzzle, which the caller has checked
// (see httpapi's captcha code routes). The pass is the same single-use token Verify issues.
func (s *Service) Grant(ctx context.Context) (*api.CaptchaPass, error) {
	token, err := randomToken(32)
	if err != nil {
		return nil, err
	}
	if s.opts.Disabled {
		return &api.CaptchaPass{Pass: token, ExpiresIn: int(s.opts.PassTTL / time.Second)}, nil
	}
	doc := pass{Hash: hashPass(token), ExpiresAt: s.clk.Now().Add(s.opts.PassTTL)}
	if _, err := s.st.DB.Collection(passCollection).InsertOne(ctx, doc); err != nil {
		return nil, fmt.Errorf("store captcha pass: %w", err)
	}
	return &api.CaptchaPass{Pass: token, ExpiresIn: int(s.opts.PassTTL / time.Second)}, nil
}
