package errcode

import (
	"errors"
	"fmt"
	"testing"
	"time"
	"unicode"
)

func TestEveryCodeHasAChineseMessage(t *testing.T) {
	for _, c := range All() {
		m := c.Message()
		han := false
		for _, r := range m {
			han = han || unicode.Is(unicode.Han, r)
		}
		if !han {
			t.Errorf("%s: message %q is not Chinese", c, m)
		}
	}
	if Code("no_such_code").Message() != Internal.Message() {
		t.Error("an unknown code does not fall back to the generic message")
	}
}

func TestOf(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want Code
	}{
		{nil, ""},
		{New(CodeInvalid), CodeInvalid},
		{fmt.Errorf("wrapped: %w", AtField("phone", PhoneInvalid)), PhoneInvalid},
		{&FormError{Errors: []*Error{AtField("name", NameInvalid), AtField("phone", PhoneInvalid)}}, NameInvalid},
		{errors.New("database down"), Internal},
	} {
		if got := Of(tc.err); got != tc.want {
			t.Errorf("Of(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
	if e := Later(AccountLocked, 0); e.RetryAfter != 1 {
		t.Errorf("Later with 0 s: retry after %d, want at least 1", e.RetryAfter)
	}
}

func TestRetrySecondsRoundsUp(t *testing.T) {
	for d, want := range map[time.Duration]int{0: 1, time.Millisecond: 1, time.Second: 1, 1001 * time.Millisecond: 2, 59*time.Second + 1: 60} {
		if got := RetrySeconds(d); got != want {
			t.Errorf("RetrySeconds(%s) = %d, want %d", d, got, want)
		}
	}
}
