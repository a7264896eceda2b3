package captcha

import (
	"math"

	"jszg/shared/api"
)

// HumanDrag lets the external tests (captcha_test.go) drag as drag_test.go does.
var HumanDrag = humanDrag

// humanDrag is a drag as a browser reports it: the tile eases out of rest and into the gap,
// sampled once a frame for 600 ms.
func humanDrag(to int) api.CaptchaAnswer {
	const samples = 36
	track := make([]int, samples+1)
	for i := range track {
		p := float64(i) / samples
		track[i] = int(math.Round(float64(to) * (1 - math.Cos(math.Pi*p)) / 2))
	}
	return api.CaptchaAnswer{X: to, DurationMS: 600, Track: track}
}
