package captcha

import (
	"errors"
	"testing"
	"time"

	"jszg/shared/api"
)

func TestJudge(t *testing.T) {
	const answer, tol, minDrag = 150, 6, 300 * time.Millisecond
	human := humanDrag(answer).Track
	// A person overshoots, comes back and lets go a little off.
	overshoot := []int{0, 3, 12, 30, 55, 85, 112, 135, 150, 161, 165, 162, 156, 153}
	line := make([]int, 31)
	for i := range line {
		line[i] = answer * i / 30
	}
	with := func(track []int, edit func([]int)) []int {
		c := append([]int(nil), track...)
		edit(c)
		return c
	}
	for name, tc := range map[string]struct {
		a    api.CaptchaAnswer
		want error
	}{
		"human drag":               {api.CaptchaAnswer{X: answer, DurationMS: 600, Track: human}, nil},
		"overshoot and correction": {api.CaptchaAnswer{X: 153, DurationMS: 900, Track: overshoot}, nil},
		"left 6 px short":          {api.CaptchaAnswer{X: answer - 6, DurationMS: 300, Track: with(human, func(t []int) { t[len(t)-1] = answer - 6 })}, nil},
		"no track, slow enough":    {api.CaptchaAnswer{X: answer, DurationMS: 300}, errTrackShort},

		"1. instant":                  {api.CaptchaAnswer{X: answer}, errTooFast},
		"1. under the minimum":        {api.CaptchaAnswer{X: answer, DurationMS: 299, Track: human}, errTooFast},
		"2. 7 px past the gap":        {api.CaptchaAnswer{X: answer + 7, DurationMS: 600, Track: human}, errOffset},
		"2. not moved":                {api.CaptchaAnswer{X: 0, DurationMS: 600, Track: human}, errOffset},
		"3a. two samples":             {api.CaptchaAnswer{X: answer, DurationMS: 600, Track: []int{0, answer}}, errTrackShort},
		"3a. four samples":            {api.CaptchaAnswer{X: answer, DurationMS: 600, Track: []int{0, 40, 120, answer}}, errTrackShort},
		"3a. over 200 samples":        {api.CaptchaAnswer{X: answer, DurationMS: 600, Track: make([]int, 201)}, errTrackLong},
		"3b. starts at the gap":       {api.CaptchaAnswer{X: answer, DurationMS: 600, Track: []int{140, 142, 145, 148, 149, 150}}, errTrackStart},
		"3c. ends elsewhere":          {api.CaptchaAnswer{X: answer, DurationMS: 600, Track: with(human, func(t []int) { t[len(t)-1] = 100 })}, errTrackEnd},
		"3d. left of the rail":        {api.CaptchaAnswer{X: answer, DurationMS: 600, Track: with(human, func(t []int) { t[20] = -10 })}, errTrackRail},
		"3d. beyond the picture":      {api.CaptchaAnswer{X: answer, DurationMS: 600, Track: with(human, func(t []int) { t[20] = 1 << 62 })}, errTrackRail},
		"3e. zigzag":                  {api.CaptchaAnswer{X: answer, DurationMS: 900, Track: []int{0, 60, 10, 90, 20, 120, 40, 150, 90, 150}}, errTrackBack},
		"3f. padded jump":             {api.CaptchaAnswer{X: answer, DurationMS: 600, Track: []int{0, 0, 0, 0, 0, answer, answer}}, errTrackJump},
		"3g. constant speed":          {api.CaptchaAnswer{X: answer, DurationMS: 600, Track: line}, errTrackLine},
		"3g. constant speed, jitter1": {api.CaptchaAnswer{X: answer, DurationMS: 600, Track: with(line, func(t []int) { t[7]++; t[19]-- })}, errTrackLine},
	} {
		if got := judge(answer, tc.a, tol, minDrag); !errors.Is(got, tc.want) {
			t.Errorf("%s: got %v, want %v", name, got, tc.want)
		}
	}
}
