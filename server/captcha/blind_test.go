package captcha_test

import (
	"context"
	"testing"
	"time"

	"jszg/server/captcha"
	"jszg/server/quota"
	"jszg/shared/errcode"
)

// The client's duration and track are its own claims: a script that says "600 ms" while it
// answers 10 ms after the puzzle was drawn is refused by the time the server measured.
func TestAnswerBeforeTheServerSawTimePassFails(t *testing.T) {
	s, clk := newService(t, captcha.Options{MinElapsed: 300 * time.Millisecond})
	ctx := context.Background()
	c, x := generate(t, s)
	clk.Advance(10 * time.Millisecond)
	if _, err := s.Verify(ctx, c.ID, humanDrag(x)); errcode.Of(err) != errcode.CaptchaFailed {
		t.Fatalf("answer 10 ms after drawing, claiming 600 ms: %v, want CaptchaFailed", err)
	}
	c, x = generate(t, s)
	clk.Advance(800 * time.Millisecond)
	if _, err := s.Verify(ctx, c.ID, humanDrag(x)); err != nil {
		t.Fatalf("answer 800 ms after drawing: %v", err)
	}
}

// limited is a service whose failures are counted per address on the same clock and store.
func limited(t testing.TB) (*captcha.Service, func(time.Duration)) {
	_, clk, st := newServiceOn(t, captcha.Options{})
	s, err := captcha.New(st.Captcha, clk, captcha.Options{MinElapsed: -1, Failures: quota.New(st.Quotas, clk)})
	if err != nil {
		t.Fatal(err)
	}
	return s, clk.Advance
}

// A blind script fails twelve times in thirteen; after 20 failures in ten minutes its address is
// not judged any more, not even with the right answer, until the window ends.
func TestBlindGuessingIsStoppedPerAddress(t *testing.T) {
	s, advance := limited(t)
	ctx := context.Background()
	for i := range captcha.FailuresPerAddress.Max {
		c, x := generate(t, s)
		if _, err := s.VerifyFrom(ctx, c.ID, "198.51.100.7", humanDrag(x+40)); errcode.Of(err) != errcode.CaptchaFailed {
			t.Fatalf("failure %d: %v", i, err)
		}
	}
	c, x := generate(t, s)
	if _, err := s.VerifyFrom(ctx, c.ID, "198.51.100.7", humanDrag(x)); errcode.Of(err) != errcode.CaptchaTooManyFailures {
		t.Fatalf("right answer after the failures: %v, want CaptchaTooManyFailures", err)
	}
	c, x = generate(t, s)
	if _, err := s.VerifyFrom(ctx, c.ID, "203.0.113.9", humanDrag(x)); err != nil {
		t.Fatalf("another address: %v", err)
	}
	advance(10 * time.Minute)
	c, x = generate(t, s)
	if _, err := s.VerifyFrom(ctx, c.ID, "198.51.100.7", humanDrag(x)); err != nil {
		t.Fatalf("after the window: %v", err)
	}
}

// BenchmarkBlindSolver reports the pass rate of a script that never looks at the picture: it
// answers every puzzle with the same x (the middle of the rail) and a drag shaped like a
// person's, one puzzle a second from one address (the rate the per-address puzzle limit allows)
// for twenty minutes. "judged" is the rate among the answers the server judged; "overall" among all the
// answers sent, which is what the script gets for its time.
func BenchmarkBlindSolver(b *testing.B) {
	for _, tc := range []struct {
		name  string
		limit bool
	}{{"unlimited", false}, {"failures-per-address", true}} {
		b.Run(tc.name, func(b *testing.B) {
			var passes, judged, sent int
			for range b.N {
				var s *captcha.Service
				var advance func(time.Duration)
				if tc.limit {
					s, advance = limited(b)
				} else {
					var clk interface{ Advance(time.Duration) }
					s, clk = newService(b, captcha.Options{MinElapsed: time.Second})
					advance = clk.Advance
				}
				ctx := context.Background()
				for range 1200 {
					c, err := s.Generate(ctx)
					if err != nil {
						b.Fatal(err)
					}
					advance(time.Second)
					sent++
					_, err = s.VerifyFrom(ctx, c.ID, "198.51.100.7", humanDrag(150))
					switch errcode.Of(err) {
					case "":
						passes++
						judged++
					case errcode.CaptchaFailed:
						judged++
					}
				}
			}
			b.ReportMetric(100*float64(passes)/float64(max(judged, 1)), "%pass-judged")
			b.ReportMetric(100*float64(passes)/float64(sent), "%pass-overall")
		})
	}
}
