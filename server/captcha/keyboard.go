package captcha

import (
	"errors"
	"time"

	"jszg/shared/api"
)

// What a keyboard answer must look like. A person who cannot drag (keyboard, switch access,
// a tremor) moves the tile with the arrow keys, a fixed step a press, and confirms with Enter. A
// track of key presses is a staircase at the pace of fingers or of the keyboard's auto-repeat,
// which no drag rule would admit, so it has rules of its own. They refuse what a cheap script
// sends (an instant answer, made-up positions, evenly spaced events, Enter at the same moment as
// the last move) while a real key press always passes. The rules:
//
//  1. From the first key to Enter took at least minKeyDuration.
//  2. X is within Tolerance of the gap, and is the last sample of the track.
//  3. The track has at least minKeySamples and at most maxTrackPoints samples and starts at 0,
//     where the tile rests; every later sample is what one key press left, with its time.
//  4. Every sample is a whole number of api.CaptchaKeyStep, as the keys place the tile, except
//     at the far end of the rail, where the tile stops short of a step.
//  5. Each step moves the tile, by at most maxKeyStep (a big step, or two after the client
//     thinned a long track).
//  6. Times start at 0 (the first press), and each press comes at least minKeyInterval after
//     the one before, faster than any keyboard repeats.
//  7. Given four presses or more, the rhythm is not constant: the longest pause between presses
//     is at least keyRhythmSpread longer than the shortest. A held key waits its repeat delay
//     before repeating; taps are uneven; a loop that sends events on a timer is neither.
//  8. Enter comes at least keyConfirmPause after the last move: a person looks at the tile
//     before confirming.
const (
	minKeyDuration  = 500 * time.Millisecond
	minKeySamples   = 2
	maxKeyStep      = 2 * api.CaptchaKeyBigStep
	minKeyInterval  = 10  // ms
	keyRhythmSpread = 40  // ms
	keyConfirmPause = 120 // ms
	// railEnd is where a tile of the largest size stops: past it samples may be off the step grid.
	railEnd = imageWidth - tileMaxSize
)

// Reasons a keyboard answer is refused; like the drag's, they are never told to the client.
var (
	errKeysTooFast  = errors.New("keys faster than a person presses them")
	errKeysTrack    = errors.New("key track malformed")
	errKeysGrid     = errors.New("key track off the key steps")
	errKeysStep     = errors.New("key step too large or empty")
	errKeysTimes    = errors.New("key times malformed or too close")
	errKeysRhythm   = errors.New("keys at a constant rhythm")
	errKeysNoLook   = errors.New("confirmed at the moment of the last move")
	errKeysNotOnGap = errors.New("tile not on the gap")
)

// judgeKeys applies the rules above to a keyboard attempt at a puzzle whose gap is at answer.
func judgeKeys(answer int, a api.CaptchaAnswer, tolerance int) error {
	if time.Duration(a.DurationMS)*time.Millisecond < minKeyDuration {
		return errKeysTooFast
	}
	t, at := a.Track, a.Times
	if len(t) < minKeySamples || len(t) > maxTrackPoints || len(at) != len(t)-1 || t[0] != 0 {
		return errKeysTrack
	}
	if abs(a.X-answer) > tolerance || t[len(t)-1] != a.X {
		return errKeysNotOnGap
	}
	if at[0] != 0 {
		return errKeysTimes
	}
	for i := 1; i < len(t); i++ {
		if t[i]%api.CaptchaKeyStep != 0 && t[i] < railEnd || t[i] < 0 || t[i] > imageWidth {
			return errKeysGrid
		}
		if step := abs(t[i] - t[i-1]); step == 0 || step > maxKeyStep {
			return errKeysStep
		}
	}
	shortest, longest := 1<<31-1, 0
	for i := 1; i < len(at); i++ {
		gap := at[i] - at[i-1]
		if gap < minKeyInterval {
			return errKeysTimes
		}
		shortest, longest = min(shortest, gap), max(longest, gap)
	}
	if len(at) >= 4 && longest-shortest < keyRhythmSpread {
		return errKeysRhythm
	}
	if a.DurationMS-at[len(at)-1] < keyConfirmPause {
		return errKeysNoLook
	}
	return nil
}
