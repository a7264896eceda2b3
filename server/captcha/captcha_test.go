package captcha_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"image/jpeg"
	"image/png"
	"strings"
	"sync"
	"testing"
	"time"

	"jszg/server/captcha"
	"jszg/server/clock"
	"jszg/server/racetest"
	"jszg/server/store"
	"jszg/server/store/storetest"
	"jszg/shared/api"
	"jszg/shared/errcode"
)

var start = time.Date(2025, 3, 1, 9, 0, 0, 0, clock.China)

func newService(t testing.TB, opts captcha.Options) (*captcha.Service, *clock.Fake) {
	t.Helper()
	s, clk, _ := newServiceOn(t, opts)
	return s, clk
}

// newServiceOn also returns the stores, for tests of what the engine does with the records.
func newServiceOn(t testing.TB, opts captcha.Options) (*captcha.Service, *clock.Fake, *store.Stores) {
	t.Helper()
	st := storetest.Open(t)
	clk := clock.NewFake(start)
	if opts.MinElapsed == 0 {
		opts.MinElapsed = -1 // these tests answer at the instant of drawing; see TestAnswerBeforeTheServerSawTimePassFails
	}
	s, err := captcha.New(st.Captcha, clk, opts)
	if err != nil {
		t.Fatal(err)
	}
	return s, clk, st
}

// humanDrag is the drag of a person (export_test.go).
var humanDrag = captcha.HumanDrag

func generate(t testing.TB, s *captcha.Service) (*api.Captcha, int) {
	t.Helper()
	ctx := context.Background()
	c, err := s.Generate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	x, err := s.Answer(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	return c, x
}

func TestGenerateDrawsPictureAndTile(t *testing.T) {
	s, _ := newService(t, captcha.Options{})
	c, x := generate(t, s)
	img := decodeDataURL(t, c.Image, "data:image/jpeg;base64,")
	bg, err := jpeg.Decode(bytes.NewReader(img))
	if err != nil {
		t.Fatalf("background: %v", err)
	}
	if b := bg.Bounds(); b.Dx() != c.Width || b.Dy() != c.Height {
		t.Errorf("background is %v, response says %d×%d", b, c.Width, c.Height)
	}
	tile, err := png.Decode(bytes.NewReader(decodeDataURL(t, c.Tile, "data:image/png;base64,")))
	if err != nil {
		t.Fatalf("tile: %v", err)
	}
	if b := tile.Bounds(); b.Dx() != c.TileWidth || b.Dy() != c.TileHeight {
		t.Errorf("tile is %v, response says %d×%d", b, c.TileWidth, c.TileHeight)
	}
	if x < 2*c.TileWidth/3 || x+c.TileWidth > c.Width {
		t.Errorf("gap at x=%d (tile %d wide) in a picture %d wide", x, c.TileWidth, c.Width)
	}
	if c.TileY < 0 || c.TileY+c.TileHeight > c.Height {
		t.Errorf("tile row %d (tile %d high) in a picture %d high", c.TileY, c.TileHeight, c.Height)
	}
	if c.ExpiresIn != 120 || len(c.ID) < 22 {
		t.Errorf("expires_in %d, id %q", c.ExpiresIn, c.ID)
	}
}

func TestGenerateConcurrently(t *testing.T) {
	s, _ := newService(t, captcha.Options{})
	errs := racetest.Errors(6, func() error {
		c, err := s.Generate(context.Background())
		if err == nil {
			_, err = s.Answer(context.Background(), c.ID)
		}
		return err
	})
	for _, err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

func decodeDataURL(t *testing.T, u, prefix string) []byte {
	t.Helper()
	if !strings.HasPrefix(u, prefix) {
		t.Fatalf("data URL starts %.40q, want %q", u, prefix)
	}
	b, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(u, prefix))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRightDragPassesOnce(t *testing.T) {
	ctx := context.Background()
	s, _ := newService(t, captcha.Options{})
	c, x := generate(t, s)

	p, err := s.Verify(ctx, c.ID, humanDrag(x))
	if err != nil {
		t.Fatalf("right drag: %v", err)
	}
	if len(p.Pass) < 43 || p.ExpiresIn != 120 {
		t.Errorf("pass %q expires in %d", p.Pass, p.ExpiresIn)
	}
	if _, err := s.Verify(ctx, c.ID, humanDrag(x)); errcode.Of(err) != errcode.CaptchaExpired {
		t.Errorf("second try of the same puzzle: %v, want %s", err, errcode.CaptchaExpired)
	}
	if _, err := s.Answer(ctx, c.ID); errcode.Of(err) != errcode.CaptchaExpired {
		t.Errorf("answer of a used puzzle: %v", err)
	}
	if err := s.Redeem(ctx, p.Pass); err != nil {
		t.Fatalf("redeem: %v", err)
	}
	if err := s.Redeem(ctx, p.Pass); errcode.Of(err) != errcode.CaptchaRequired {
		t.Errorf("second redeem: %v, want %s", err, errcode.CaptchaRequired)
	}
}

func TestWrongDragUsesPuzzleUp(t *testing.T) {
	ctx := context.Background()
	s, _ := newService(t, captcha.Options{})
	c, x := generate(t, s)
	if _, err := s.Verify(ctx, c.ID, humanDrag(x+40)); errcode.Of(err) != errcode.CaptchaFailed {
		t.Fatalf("wrong drag: %v, want %s", err, errcode.CaptchaFailed)
	}
	if _, err := s.Verify(ctx, c.ID, humanDrag(x)); errcode.Of(err) != errcode.CaptchaExpired {
		t.Errorf("right drag after a wrong one: %v, want %s", err, errcode.CaptchaExpired)
	}
}

func TestTolerance(t *testing.T) {
	ctx := context.Background()
	s, _ := newService(t, captcha.Options{}) // tolerance 6
	for _, tc := range []struct {
		off  int
		want errcode.Code
	}{
		{0, ""},
		{6, ""},
		{-6, ""},
		{7, errcode.CaptchaFailed},
		{-7, errcode.CaptchaFailed},
		{30, errcode.CaptchaFailed},
	} {
		c, x := generate(t, s)
		_, err := s.Verify(ctx, c.ID, humanDrag(x+tc.off))
		if errcode.Of(err) != tc.want {
			t.Errorf("off by %d: %v, want %q", tc.off, err, tc.want)
		}
	}
}

func TestInstantDragFails(t *testing.T) {
	ctx := context.Background()
	s, _ := newService(t, captcha.Options{})
	for name, drag := range map[string]func(x int) api.CaptchaAnswer{
		"duration 0":       func(x int) api.CaptchaAnswer { return api.CaptchaAnswer{X: x} },
		"duration 0 track": func(x int) api.CaptchaAnswer { a := humanDrag(x); a.DurationMS = 0; return a },
		"299 ms":           func(x int) api.CaptchaAnswer { a := humanDrag(x); a.DurationMS = 299; return a },
		"track of 2":       func(x int) api.CaptchaAnswer { return api.CaptchaAnswer{X: x, DurationMS: 800, Track: []int{0, x}} },
	} {
		c, x := generate(t, s)
		if _, err := s.Verify(ctx, c.ID, drag(x)); errcode.Of(err) != errcode.CaptchaFailed {
			t.Errorf("%s: %v, want %s", name, err, errcode.CaptchaFailed)
		}
	}
	// Without a track, a slow and exact answer is still a script.
	c, x := generate(t, s)
	if _, err := s.Verify(ctx, c.ID, api.CaptchaAnswer{X: x, DurationMS: 300}); errcode.Of(err) != errcode.CaptchaFailed {
		t.Errorf("300 ms drag without a track: %v, want %s", err, errcode.CaptchaFailed)
	}
}

func TestPuzzleExpires(t *testing.T) {
	ctx := context.Background()
	s, clk := newService(t, captcha.Options{PuzzleTTL: time.Minute})
	c, x := generate(t, s)
	clk.Advance(time.Minute)
	if _, err := s.Answer(ctx, c.ID); errcode.Of(err) != errcode.CaptchaExpired {
		t.Errorf("answer after TTL: %v", err)
	}
	if _, err := s.Verify(ctx, c.ID, humanDrag(x)); errcode.Of(err) != errcode.CaptchaExpired {
		t.Errorf("verify after TTL: %v, want %s", err, errcode.CaptchaExpired)
	}
	// Just before the TTL the puzzle still counts.
	c, x = generate(t, s)
	clk.Advance(time.Minute - time.Second)
	if _, err := s.Verify(ctx, c.ID, humanDrag(x)); err != nil {
		t.Errorf("verify just before TTL: %v", err)
	}
}

func TestPassExpires(t *testing.T) {
	ctx := context.Background()
	s, clk := newService(t, captcha.Options{PassTTL: 90 * time.Second})
	c, x := generate(t, s)
	p, err := s.Verify(ctx, c.ID, humanDrag(x))
	if err != nil {
		t.Fatal(err)
	}
	if p.ExpiresIn != 90 {
		t.Errorf("expires_in %d", p.ExpiresIn)
	}
	clk.Advance(90 * time.Second)
	if err := s.Redeem(ctx, p.Pass); errcode.Of(err) != errcode.CaptchaExpired {
		t.Errorf("redeem after TTL: %v, want %s", err, errcode.CaptchaExpired)
	}
}

func TestExpiredDocumentsAreSwept(t *testing.T) {
	ctx := context.Background()
	s, clk, st := newServiceOn(t, captcha.Options{})
	if st.Mongo != nil && !st.Mongo.Options().NoTTL {
		t.Skip("MongoDB's TTL monitor sweeps on its own schedule")
	}
	generate(t, s)
	clk.Advance(3 * time.Minute)
	n, err := st.Sweep(ctx, clk.Now())
	if err != nil || n != 1 {
		t.Errorf("swept %d, %v; want 1", n, err)
	}
	if n, err := st.Sweep(ctx, clk.Now()); err != nil || n != 0 {
		t.Errorf("second sweep removed %d, %v; want 0", n, err)
	}
}

func TestRedeemRefusesWhatWasNotIssued(t *testing.T) {
	s, _ := newService(t, captcha.Options{})
	for _, p := range []string{"", "x", strings.Repeat("A", 43)} {
		if err := s.Redeem(context.Background(), p); errcode.Of(err) != errcode.CaptchaRequired {
			t.Errorf("redeem %q: %v, want %s", p, err, errcode.CaptchaRequired)
		}
	}
	if _, err := s.Verify(context.Background(), "", humanDrag(100)); errcode.Of(err) != errcode.CaptchaRequired {
		t.Errorf("verify without id: %v", err)
	}
	if _, err := s.Verify(context.Background(), "nope", humanDrag(100)); errcode.Of(err) != errcode.CaptchaExpired {
		t.Errorf("verify unknown id: %v", err)
	}
}

func TestPassRedeemsOnceUnderRace(t *testing.T) {
	ctx := context.Background()
	s, _ := newService(t, captcha.Options{})
	c, x := generate(t, s)
	p, err := s.Verify(ctx, c.ID, humanDrag(x))
	if err != nil {
		t.Fatal(err)
	}
	errs := racetest.Errors(50, func() error { return s.Redeem(ctx, p.Pass) })
	wins := 0
	for _, err := range errs {
		switch errcode.Of(err) {
		case "":
			wins++
		case errcode.CaptchaRequired:
		default:
			t.Errorf("redeem: %v", err)
		}
	}
	if wins != 1 {
		t.Errorf("%d of 50 concurrent redemptions succeeded, want 1", wins)
	}
}

func TestPuzzleSolvedOnceUnderRace(t *testing.T) {
	ctx := context.Background()
	s, _ := newService(t, captcha.Options{})
	c, x := generate(t, s)
	var mu sync.Mutex
	var passes []string
	errs := racetest.Errors(50, func() error {
		p, err := s.Verify(ctx, c.ID, humanDrag(x))
		if err == nil {
			mu.Lock()
			passes = append(passes, p.Pass)
			mu.Unlock()
		}
		return err
	})
	for _, err := range errs {
		if err != nil && errcode.Of(err) != errcode.CaptchaExpired {
			t.Errorf("verify: %v", err)
		}
	}
	if len(passes) != 1 {
		t.Fatalf("%d of 50 concurrent right answers got a pass, want 1", len(passes))
	}
	if err := s.Redeem(ctx, passes[0]); err != nil {
		t.Errorf("the one pass does not redeem: %v", err)
	}
}

func TestDisabled(t *testing.T) {
	ctx := context.Background()
	s, _ := newService(t, captcha.Options{Disabled: true})
	p, err := s.Verify(ctx, "whatever", api.CaptchaAnswer{})
	if err != nil || p.Pass == "" {
		t.Fatalf("disabled verify: %v %v", p, err)
	}
	for _, pass := range []string{p.Pass, p.Pass, "", "made-up"} {
		if err := s.Redeem(ctx, pass); err != nil {
			t.Errorf("disabled redeem %q: %v", pass, err)
		}
	}
	// The page still shows a puzzle.
	if _, err := s.Generate(ctx); err != nil {
		t.Errorf("disabled generate: %v", err)
	}
}

// BenchmarkGenerate measures drawing, encoding and storing one puzzle, and the size of the JSON
// a phone downloads for it.
func BenchmarkGenerate(b *testing.B) {
	s, _ := newService(b, captcha.Options{})
	ctx := context.Background()
	var total, n int
	for b.Loop() {
		n++
		c, err := s.Generate(ctx)
		if err != nil {
			b.Fatal(err)
		}
		body, _ := json.Marshal(c)
		total += len(body)
	}
	b.ReportMetric(float64(total)/float64(n), "bytes/response")
}
