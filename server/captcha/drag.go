package captcha

import (
	"errors"
	"time"

	"jszg/shared/api"
)

// What a drag must look like to be accepted. The client reports where it released the tile (X, in
// image pixels), how long the drag took from press to release, and the tile's x sampled as it
// moved (Track, the first sample at press; the Wasm client always sends it). None of this proves
// a person was there; it makes the cheapest scripts (post the answer at once, or replay a made-up
// straight line) fail, so that breaking the captcha needs real work. The rules:
//
//  1. The drag lasted at least MinDrag: people need a few hundred milliseconds; an instant answer
//     is a script.
//  2. X is within Tolerance of the gap.
//  3. The track:
//     a. it has at least minTrackPoints samples (a browser sends one per frame, dozens for a
//     drag) and at most maxTrackPoints (what the client promises to send at most);
//     b. it starts where the tile rests, within trackStartSlack of x = 0;
//     c. it ends where the tile was released, within Tolerance of X;
//     d. it stays on the rail: no sample below −Tolerance or beyond the picture's width plus
//     Tolerance;
//     e. it is monotone-ish: the distance moved back (overshoot and correction) is at most
//     maxBacktrackShare of the distance moved forward; a zigzag is a search, not a drag;
//     f. it has no jump: no single step covers more than maxStepShare of the whole way, as a
//     script that sends the start and the end padded with copies would;
//     g. it is not a straight constant-speed line from start to end: some sample lies more than
//     minLineDeviation from that line. A hand speeds up and slows down; interpolation does not.
const (
	minTrackPoints    = 5
	maxTrackPoints    = 200
	trackStartSlack   = 20 // px
	maxBacktrackShare = 0.5
	maxStepShare      = 0.5
	minLineDeviation  = 2.0 // px
)

// Reasons a drag is refused. They stay inside the server: the user is only told the puzzle was
// not solved, and a script is not told which rule caught it.
var (
	errTooFast    = errors.New("drag shorter than the minimum")
	errOffset     = errors.New("tile not on the gap")
	errTrackShort = errors.New("track has too few samples")
	errTrackLong  = errors.New("track has more samples than a client sends")
	errTrackStart = errors.New("track does not start where the tile rests")
	errTrackEnd   = errors.New("track does not end where the tile was released")
	errTrackRail  = errors.New("track leaves the rail")
	errTrackBack  = errors.New("track goes back and forth")
	errTrackJump  = errors.New("track jumps")
	errTrackLine  = errors.New("track is a straight constant-speed line")
)

// judge applies the rules above to an attempt at a puzzle whose gap is at answer; an attempt made
// with the keyboard is judged by the keyboard's rules instead (keyboard.go).
func judge(answer int, a api.CaptchaAnswer, tolerance int, minDrag time.Duration) error {
	if a.Input == api.CaptchaKeyboard {
		return judgeKeys(answer, a, tolerance)
	}
	if time.Duration(a.DurationMS)*time.Millisecond < minDrag {
		return errTooFast
	}
	if abs(a.X-answer) > tolerance {
		return errOffset
	}
	t := a.Track
	switch {
	case len(t) < minTrackPoints:
		return errTrackShort
	case len(t) > maxTrackPoints:
		return errTrackLong
	case t[0] < -tolerance || t[0] > trackStartSlack:
		return errTrackStart
	case abs(t[len(t)-1]-a.X) > tolerance:
		return errTrackEnd
	}
	var forward, back, maxStep int
	for i, x := range t {
		if x < -tolerance || x > imageWidth+tolerance {
			return errTrackRail
		}
		if i == 0 {
			continue
		}
		step := x - t[i-1]
		if step > 0 {
			forward += step
		} else {
			back -= step
		}
		maxStep = max(maxStep, abs(step))
	}
	if float64(back) > maxBacktrackShare*float64(forward) {
		return errTrackBack
	}
	way := max(abs(t[len(t)-1]-t[0]), 1)
	if float64(maxStep) > maxStepShare*float64(way) {
		return errTrackJump
	}
	first, last, n := float64(t[0]), float64(t[len(t)-1]), float64(len(t)-1)
	var deviation float64
	for i, x := range t {
		onLine := first + (last-first)*float64(i)/n
		deviation = max(deviation, abs(float64(x)-onLine))
	}
	if deviation <= minLineDeviation {
		return errTrackLine
	}
	return nil
}

func abs[T int | float64](v T) T {
	if v < 0 {
		return -v
	}
	return v
}
