package code_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"jszg/server/clock"
	"jszg/server/code"
	"jszg/server/quota"
	"jszg/server/store/storetest"
	"jszg/shared/errcode"
)

func newService(t *testing.T) (*code.Service, *clock.Fake) {
	t.Helper()
	st := storetest.Open(t)
	// Half past a minute, so that tests stepping by minutes never cross an hour by accident.
	clk := clock.NewFake(time.Date(2026, 3, 2, 9, 10, 30, 0, clock.China))
	s := code.New(st, clk, quota.New(st, clk), []byte("test secret"))
	if err := s.EnsureIndexes(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s, clk
}

var phone = code.Key{Channel: code.ChannelSMS, To: "13812345678", Purpose: "register"}

func TestRightCodeWorksOnce(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	c, err := s.Issue(ctx, phone, "203.0.113.1")
	if err != nil {
		t.Fatal(err)
	}
	if len(c) != 6 {
		t.Fatalf("code %q is not 6 digits", c)
	}
	if err := s.Verify(ctx, phone, c); err != nil {
		t.Fatalf("first use: %v", err)
	}
	if got := errcode.Of(s.Verify(ctx, phone, c)); got != errcode.CodeExpired {
		t.Fatalf("second use: %v, want code_expired", got)
	}
}

func TestCodeExpiresAfterFiveMinutes(t *testing.T) {
	s, clk := newService(t)
	ctx := context.Background()
	c, _ := s.Issue(ctx, phone, "")
	clk.Advance(code.TTL)
	if got := errcode.Of(s.Verify(ctx, phone, c)); got != errcode.CodeExpired {
		t.Fatalf("at 5 minutes: %v, want code_expired", got)
	}
}

func TestCodeIsBoundToItsDestinationAndPurpose(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	c, _ := s.Issue(ctx, phone, "")
	other := phone
	other.To = "13912345678"
	if got := errcode.Of(s.Verify(ctx, other, c)); got != errcode.CodeInvalid {
		t.Fatalf("other phone: %v", got)
	}
	reset := phone
	reset.Purpose = "reset"
	if got := errcode.Of(s.Verify(ctx, reset, c)); got != errcode.CodeInvalid {
		t.Fatalf("other purpose: %v", got)
	}
}

func TestFiftyWrongCodesCountAtMostFive(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	right, _ := s.Issue(ctx, phone, "")
	wrong := "000000"
	if right == wrong {
		wrong = "000001"
	}
	var invalid, exhausted atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			switch got := errcode.Of(s.Verify(ctx, phone, wrong)); got {
			case errcode.CodeInvalid:
				invalid.Add(1)
			case errcode.CodeTooManyAttempts:
				exhausted.Add(1)
			default:
				t.Errorf("unexpected %q", got)
			}
		}()
	}
	wg.Wait()
	if invalid.Load() != code.MaxAttempts || exhausted.Load() != 50-code.MaxAttempts {
		t.Fatalf("%d counted wrong, %d refused; want %d and %d", invalid.Load(), exhausted.Load(), code.MaxAttempts, 50-code.MaxAttempts)
	}
	if got := errcode.Of(s.Verify(ctx, phone, right)); got != errcode.CodeTooManyAttempts {
		t.Fatalf("right code after 5 wrong: %v, want code_too_many_attempts", got)
	}
}

func TestCodeUsedTwiceConcurrentlySucceedsOnce(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	c, _ := s.Issue(ctx, phone, "")
	var ok atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if s.Verify(ctx, phone, c) == nil {
				ok.Add(1)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != 1 {
		t.Fatalf("%d successes, want 1", ok.Load())
	}
}

func TestTwentyConcurrentSendsGiveOneCode(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	var sent, limited atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.Issue(ctx, phone, "203.0.113.1")
			var rl *code.RateLimited
			switch {
			case err == nil:
				sent.Add(1)
			case errors.As(err, &rl):
				limited.Add(1)
				if rl.RetryAfter <= 0 || rl.RetryAfter > time.Minute {
					t.Errorf("retry after %s", rl.RetryAfter)
				}
			default:
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if sent.Load() != 1 || limited.Load() != 19 {
		t.Fatalf("sent %d limited %d, want 1 and 19", sent.Load(), limited.Load())
	}
}

func TestSendLimitsPerMinuteHourAndDay(t *testing.T) {
	s, clk := newService(t)
	ctx := context.Background()
	var rl *code.RateLimited
	// One a minute.
	if _, err := s.Issue(ctx, phone, ""); err != nil {
		t.Fatal(err)
	}
	clk.Advance(59 * time.Second)
	if _, err := s.Issue(ctx, phone, ""); !errors.As(err, &rl) {
		t.Fatalf("59 s later: %v, want rate limited", err)
	}
	// Five an hour: four more, a minute apart, then the sixth in the same hour is refused.
	for i := 0; i < 4; i++ {
		clk.Advance(time.Minute)
		if _, err := s.Issue(ctx, phone, ""); err != nil {
			t.Fatalf("send %d: %v", i+2, err)
		}
	}
	clk.Advance(time.Minute)
	if _, err := s.Issue(ctx, phone, ""); !errors.As(err, &rl) {
		t.Fatalf("sixth in the hour: %v, want rate limited", err)
	}
	// Ten a day: five more in the next hour, then the eleventh is refused even in a new hour.
	clk.Advance(time.Hour)
	for i := 0; i < 5; i++ {
		clk.Advance(time.Minute)
		if _, err := s.Issue(ctx, phone, ""); err != nil {
			t.Fatalf("second hour send %d: %v", i+1, err)
		}
	}
	clk.Advance(time.Hour)
	if _, err := s.Issue(ctx, phone, ""); !errors.As(err, &rl) {
		t.Fatalf("eleventh in the day: %v, want rate limited", err)
	}
	// The next China day starts afresh.
	clk.Set(time.Date(2026, 3, 3, 0, 0, 30, 0, clock.China))
	if _, err := s.Issue(ctx, phone, ""); err != nil {
		t.Fatalf("next day: %v", err)
	}
}

func TestClientAddressCap(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	for i := 0; i < code.AddrPerHour.Max; i++ {
		k := code.Key{Channel: code.ChannelSMS, To: "1390000" + pad4(i), Purpose: "register"}
		if _, err := s.Issue(ctx, k, "198.51.100.7"); err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
	}
	k := code.Key{Channel: code.ChannelSMS, To: "13899999999", Purpose: "register"}
	var rl *code.RateLimited
	if _, err := s.Issue(ctx, k, "198.51.100.7"); !errors.As(err, &rl) {
		t.Fatalf("over the address cap: %v", err)
	}
	// The refused send did not use up that phone's own quota.
	if _, err := s.Issue(ctx, k, "198.51.100.8"); err != nil {
		t.Fatalf("same phone from another address: %v", err)
	}
}

func pad4(i int) string {
	b := []byte("0000")
	for p := 3; p >= 0 && i > 0; p-- {
		b[p] = byte('0' + i%10)
		i /= 10
	}
	return string(b)
}

func TestCodesAreStoredOnlyAsKeyedHashes(t *testing.T) {
	st := storetest.Open(t)
	clk := clock.NewFake(time.Date(2026, 3, 2, 9, 10, 30, 0, clock.China))
	s := code.New(st, clk, quota.New(st, clk), []byte("k1"))
	ctx := context.Background()
	c, _ := s.Issue(ctx, phone, "")
	raw, err := st.DB.Collection("codes").FindOne(ctx, map[string]any{}).Raw()
	if err != nil {
		t.Fatal(err)
	}
	if contains(raw.String(), c) {
		t.Fatalf("stored document contains the code in clear: %s", raw)
	}
	// Another secret cannot verify it.
	other := code.New(st, clk, quota.New(st, clk), []byte("k2"))
	if got := errcode.Of(other.Verify(ctx, phone, c)); got != errcode.CodeInvalid {
		t.Fatalf("verify with another key: %v", got)
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

func TestARefusedSendKeepsTheEarlierCode(t *testing.T) {
	s, clk := newService(t)
	ctx := context.Background()
	var last string
	for i := 0; i < code.PerHour.Max; i++ {
		c, err := s.Issue(ctx, phone, "")
		if err != nil {
			t.Fatal(err)
		}
		last = c
		clk.Advance(time.Minute)
	}
	var rl *code.RateLimited
	if _, err := s.Issue(ctx, phone, ""); !errors.As(err, &rl) {
		t.Fatalf("over the hourly limit: %v", err)
	}
	if err := s.Verify(ctx, phone, last); err != nil {
		t.Fatalf("the code sent before the refusal: %v", err)
	}
}
