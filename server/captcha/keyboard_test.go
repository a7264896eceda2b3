package captcha

import (
	"errors"
	"testing"
	"time"

	"jszg/shared/api"
)

// keys is a keyboard answer: the tile moved by each step in turn, each press at its time (ms
// since the first), Enter at done.
func keys(steps, times []int, done int) api.CaptchaAnswer {
	track := []int{0}
	for _, s := range steps {
		track = append(track, track[len(track)-1]+s)
	}
	return api.CaptchaAnswer{X: track[len(track)-1], DurationMS: done, Track: track, Times: times, Input: api.CaptchaKeyboard}
}

func TestJudgeKeys(t *testing.T) {
	const answer, tol = 150, 6
	small, big := api.CaptchaKeyStep, api.CaptchaKeyBigStep
	// Held →: the first press, the repeat delay, then the repeat rate, released on the gap.
	var heldSteps, heldTimes []int
	for i := range 50 {
		heldSteps = append(heldSteps, small)
		heldTimes = append(heldTimes, map[bool]int{true: 0, false: 500 + 33*(i-1)}[i == 0])
	}
	held := keys(heldSteps, heldTimes, heldTimes[49]+400)
	// Page Down five times at a person's uneven pace, nothing more.
	bigTaps := keys([]int{big, big, big, big, big}, []int{0, 310, 580, 930, 1180}, 1650)
	// Big steps past the gap, then back with small ones.
	overshoot := keys([]int{big, big, big, big, big, big, -small, -small, -small, -small, -small, -small, -small, -small, -small, -small},
		[]int{0, 250, 520, 760, 1000, 1300, 1900, 2150, 2380, 2600, 2790, 3000, 3210, 3400, 3650, 3880}, 4400)
	// The far end: the tile stops short of a step.
	var farSteps, farTimes []int
	for i := range 8 {
		farSteps, farTimes = append(farSteps, big), append(farTimes, i*200+i*i*7)
	}
	farSteps = append(farSteps, 250-8*big)
	farTimes = append(farTimes, 1900)
	far := keys(farSteps, farTimes, 2500)

	// What scripts send.
	var evenTimes []int
	for i := range 50 {
		evenTimes = append(evenTimes, i*40)
	}
	even := keys(heldSteps, evenTimes, 40*49+400)
	offGrid := held
	offGrid.Track = append([]int(nil), held.Track...)
	offGrid.Track[10] = 31
	jump := keys([]int{small, answer - small}, []int{0, 400}, 900)
	burst := held
	burst.Times = make([]int, len(held.Times))
	noLook := held
	noLook.DurationMS = heldTimes[49] + 20
	missing := held
	missing.Times = nil
	asDrag := held
	asDrag.Input = ""
	notOnGap := keys([]int{big, big, big, big}, []int{0, 310, 580, 930}, 1600)
	startsAway := bigTaps
	startsAway.Track = append([]int{30}, bigTaps.Track[1:]...)

	for name, tc := range map[string]struct {
		a    api.CaptchaAnswer
		gap  int
		want error
	}{
		"held arrow key":           {held, answer, nil},
		"page down taps":           {bigTaps, answer, nil},
		"overshoot and back":       {overshoot, answer, nil},
		"far end of the rail":      {far, 250, nil},
		"1. too fast":              {keys([]int{big, big, big, big, big}, []int{0, 60, 130, 200, 260}, 400), answer, errKeysTooFast},
		"2. not on the gap":        {notOnGap, answer, errKeysNotOnGap},
		"3. no times":              {missing, answer, errKeysTrack},
		"3. starts away from rest": {startsAway, answer, errKeysTrack},
		"4. off the key steps":     {offGrid, answer, errKeysGrid},
		"5. a jump to the gap":     {jump, answer, errKeysStep},
		"6. all at once":           {burst, answer, errKeysTimes},
		"7. a timer's rhythm":      {even, answer, errKeysRhythm},
		"8. Enter with the move":   {noLook, answer, errKeysNoLook},
		"a key track as a drag":    {asDrag, answer, errTrackLine},
	} {
		if got := judge(tc.gap, tc.a, tol, 300*time.Millisecond); !errors.Is(got, tc.want) {
			t.Errorf("%s: got %v, want %v", name, got, tc.want)
		}
	}
}
