// Package captcha is the slide captcha (图形验证码, "向右拖动滑块填充拼图") that guards sending a
// code, registering, signing in and starting a password reset. The server draws a background with
// a puzzle-shaped gap and the tile that fills it, keeps the gap's x in the database (it is never
// sent) and takes exactly one attempt per puzzle: the tile must be left within a few pixels of the
// gap after a drag that looks like a person's (see drag.go for the rules). A solved puzzle yields
// a pass, a random token stored only as its SHA-256, which one later request redeems once. Both
// puzzles and passes live in the database (Store), so any server instance can check what another
// issued, and each is taken by one atomic operation, so that one puzzle gives one attempt and one
// pass one redemption however many requests race.
package captcha

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/wenlng/go-captcha-assets/resources/imagesv2"
	"github.com/wenlng/go-captcha-assets/resources/tiles"
	"github.com/wenlng/go-captcha/v2/base/option"
	"github.com/wenlng/go-captcha/v2/slide"
	"golang.org/x/image/draw"

	"jszg/server/clock"
	"jszg/server/quota"
	"jszg/shared/api"
	"jszg/shared/errcode"
)

// Store keeps puzzles (their answer x, by puzzle id) and passes (by the SHA-256 of the pass),
// each until its expiry time. A take removes and reads in one atomic operation: of any number of
// concurrent takers of one puzzle or pass at most one gets it.
type Store interface {
	// PutPuzzle keeps a puzzle's answer until expiresAt.
	PutPuzzle(ctx context.Context, id string, x int, expiresAt time.Time) error
	// TakePuzzle removes the puzzle and returns its answer; ok is false when there is no such
	// puzzle or it expired at or before now (an expired one is removed all the same).
	TakePuzzle(ctx context.Context, id string, now time.Time) (x int, ok bool, err error)
	// Puzzle returns the answer of a puzzle live at now, without removing it.
	Puzzle(ctx context.Context, id string, now time.Time) (x int, ok bool, err error)
	// PutPass keeps a pass, by its hash, until expiresAt.
	PutPass(ctx context.Context, hash string, expiresAt time.Time) error
	// TakePass removes the pass and reports whether there was one and whether it was still
	// live at now.
	TakePass(ctx context.Context, hash string, now time.Time) (found, live bool, err error)
}

// Picture geometry, in image pixels. 300 px wide fits the narrowest phones (320 CSS px) without
// scaling; the client scales the picture if it must and converts the drag back to image pixels.
const (
	imageWidth    = 300
	imageHeight   = 170
	tileMinSize   = 50
	tileMaxSize   = 56
	jpegQuality   = 60 // the gap's edge stays crisp enough to aim at; the payload stays small
	generateTries = 5
)

// Options tune the captcha; zero values take the defaults.
type Options struct {
	// Disabled turns the captcha into a formality (JSZG_CAPTCHA=off): every answer yields a pass
	// and every pass redeems. Only for load tests run against local stand-ins.
	Disabled bool
	// Tolerance is how far, in pixels, the tile may be left from the gap. Default 6.
	Tolerance int
	// PuzzleTTL is how long a puzzle may be answered; PassTTL how long a pass may be redeemed.
	// Default 2 minutes each.
	PuzzleTTL, PassTTL time.Duration
	// MinDrag is the shortest drag accepted, from press to release. Default 300 ms.
	MinDrag time.Duration
	// MinElapsed is the shortest time the server itself measures from drawing a puzzle to its
	// answer; the client's own duration and track are claims, this is not. Default MinDrag;
	// negative: none (tests whose clients answer at once).
	MinElapsed time.Duration
	// Failures, when set, counts failed puzzles per client address (FailuresPerAddress): past
	// the limit the address waits, so guessing blind at a 1-in-13 chance gets nowhere.
	Failures *quota.Quotas
}

// FailuresPerAddress bounds failed puzzles from one client address. A person fails one now and
// then; a script guessing blind fails twelve times in thirteen.
var FailuresPerAddress = quota.Limit{Name: "captcha_fail_addr", Max: 20, Window: quota.Fixed(10 * time.Minute)}

// Service draws, checks and redeems slide captchas. It is safe for concurrent use.
type Service struct {
	st     Store
	clk    clock.Clock
	opts   Options
	slider slide.Captcha
}

// New returns the captcha service keeping puzzles and passes in st. The first call in a process
// decodes and scales every picture.
func New(st Store, clk clock.Clock, opts Options) (*Service, error) {
	if opts.Tolerance <= 0 {
		opts.Tolerance = 6
	}
	if opts.PuzzleTTL <= 0 {
		opts.PuzzleTTL = 2 * time.Minute
	}
	if opts.PassTTL <= 0 {
		opts.PassTTL = 2 * time.Minute
	}
	if opts.MinDrag <= 0 {
		opts.MinDrag = 300 * time.Millisecond
	}
	if opts.MinElapsed == 0 {
		opts.MinElapsed = opts.MinDrag
	}
	slider, err := loadSlider()
	if err != nil {
		return nil, err
	}
	return &Service{st: st, clk: clk, opts: opts, slider: slider}, nil
}

// loadSlider decodes the pictures and builds the slide captcha once per process: it holds no
// per-puzzle state, so every Service can share it, and the decoding is the expensive part.
var loadSlider = sync.OnceValues(func() (slide.Captcha, error) {
	backgrounds, err := imagesv2.GetImages()
	if err != nil {
		return nil, fmt.Errorf("load captcha backgrounds: %w", err)
	}
	// The pictures are 400×340; the library would cut a 300×170 window out of them at random,
	// which shows a meaningless fragment. Scaled to the width first, the window shows the scene.
	for i, bg := range backgrounds {
		backgrounds[i] = scaleToWidth(bg, imageWidth)
	}
	shapes, err := tiles.GetTiles()
	if err != nil {
		return nil, fmt.Errorf("load captcha tiles: %w", err)
	}
	graphs := make([]*slide.GraphImage, 0, len(shapes))
	for _, g := range shapes {
		graphs = append(graphs, &slide.GraphImage{
			OverlayImage: g.OverlayImage,
			ShadowImage:  g.ShadowImage,
			MaskImage:    g.MaskImage,
		})
	}
	b := slide.NewBuilder(
		slide.WithImageSize(option.Size{Width: imageWidth, Height: imageHeight}),
		slide.WithRangeGraphSize(option.RangeVal{Min: tileMinSize, Max: tileMaxSize}),
		slide.WithGenGraphNumber(1),
	)
	b.SetResources(slide.WithBackgrounds(backgrounds), slide.WithGraphImages(graphs))
	// Make (basic mode) keeps the tile on the gap's row, so the drag is horizontal only.
	return b.Make(), nil
})

func scaleToWidth(img image.Image, width int) image.Image {
	b := img.Bounds()
	if b.Dx() == width {
		return img
	}
	height := b.Dy() * width / b.Dx()
	dst := image.NewRGBA(image.Rect(0, 0, width, height))
	draw.CatmullRom.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
	return dst
}

// Generate draws a new puzzle and remembers its answer. The tile starts at x = 0, y = TileY.
func (s *Service) Generate(ctx context.Context) (*api.Captcha, error) {
	data, block, err := s.draw()
	if err != nil {
		return nil, err
	}
	bg, err := dataURL("image/jpeg", func(w io.Writer) error {
		return jpeg.Encode(w, data.GetMasterImage().Get(), &jpeg.Options{Quality: jpegQuality})
	})
	if err != nil {
		return nil, fmt.Errorf("encode captcha background: %w", err)
	}
	tile, err := dataURL("image/png", func(w io.Writer) error {
		return pngEncoder.Encode(w, data.GetTileImage().Get())
	})
	if err != nil {
		return nil, fmt.Errorf("encode captcha tile: %w", err)
	}
	token, err := randomToken(16)
	if err != nil {
		return nil, err
	}
	// The id carries the time the puzzle was drawn. A client cannot change it: the id is the
	// puzzle's key, and any other id finds no puzzle.
	now := s.clk.Now()
	id := token + "." + strconv.FormatInt(now.UnixMilli(), 36)
	if err := s.st.PutPuzzle(ctx, id, block.X, now.Add(s.opts.PuzzleTTL)); err != nil {
		return nil, fmt.Errorf("store captcha puzzle: %w", err)
	}
	return &api.Captcha{
		ID:         id,
		Image:      bg,
		Tile:       tile,
		Width:      imageWidth,
		Height:     imageHeight,
		TileWidth:  block.Width,
		TileHeight: block.Height,
		TileY:      block.Y,
		ExpiresIn:  int(s.opts.PuzzleTTL / time.Second),
	}, nil
}

// pngEncoder favours speed: the tile is tiny and most of its bytes are the shape's alpha edge.
var pngEncoder = png.Encoder{CompressionLevel: png.BestSpeed}

// dataURL encodes an image straight into a data: URL.
func dataURL(mime string, encode func(io.Writer) error) (string, error) {
	var b strings.Builder
	b.WriteString("data:" + mime + ";base64,")
	enc := base64.NewEncoder(base64.StdEncoding, &b)
	if err := encode(enc); err != nil {
		return "", err
	}
	if err := enc.Close(); err != nil {
		return "", err
	}
	return b.String(), nil
}

// draw asks the library for a puzzle whose gap lies wholly inside the picture: with an odd tile
// size its placement can run one pixel past the right edge, which no drag could reach.
func (s *Service) draw() (slide.CaptchaData, *slide.Block, error) {
	var lastErr error
	for range generateTries {
		data, err := s.slider.Generate()
		if err != nil {
			lastErr = err
			continue
		}
		b := data.GetData()
		if b.X >= 0 && b.X+b.Width <= imageWidth && b.Y >= 0 && b.Y+b.Height <= imageHeight {
			return data, b, nil
		}
		lastErr = fmt.Errorf("gap at (%d,%d) size %d outside the picture", b.X, b.Y, b.Width)
	}
	return nil, nil, fmt.Errorf("draw captcha: %w", lastErr)
}

// Verify judges the one attempt a puzzle allows. The puzzle is removed by the same atomic
// operation that reads it, so of any number of concurrent attempts exactly one sees it. A wrong
// drag yields CaptchaFailed; an unknown, used or expired puzzle CaptchaExpired (either way the
// client draws a new one).
func (s *Service) Verify(ctx context.Context, id string, a api.CaptchaAnswer) (*api.CaptchaPass, error) {
	return s.VerifyFrom(ctx, id, "", a)
}

// VerifyFrom is Verify for a client address, which Options.Failures limits: an address past its
// failures gets CaptchaTooManyFailures (with when to retry) and its answers are not judged.
func (s *Service) VerifyFrom(ctx context.Context, id, addr string, a api.CaptchaAnswer) (*api.CaptchaPass, error) {
	if s.opts.Disabled {
		token, err := randomToken(32)
		if err != nil {
			return nil, err
		}
		return &api.CaptchaPass{Pass: token, ExpiresIn: int(s.opts.PassTTL / time.Second)}, nil
	}
	if id == "" {
		return nil, errcode.New(errcode.CaptchaRequired)
	}
	now := s.clk.Now()
	x, ok, err := s.st.TakePuzzle(ctx, id, now)
	if err != nil {
		return nil, fmt.Errorf("take captcha puzzle: %w", err)
	}
	if !ok {
		return nil, errcode.New(errcode.CaptchaExpired)
	}
	// A failure slot is taken before judging and given back on a pass, so concurrent answers
	// cannot judge more than the limit allows.
	var slot *quota.Grant
	if s.opts.Failures != nil && addr != "" {
		if slot, err = s.opts.Failures.Take(ctx, addr, FailuresPerAddress); err != nil {
			return nil, quota.Refusal(err, errcode.CaptchaTooManyFailures)
		}
	}
	if issued, ok := issuedAt(id); !ok || (s.opts.MinElapsed > 0 && now.Sub(issued) < s.opts.MinElapsed) {
		return nil, errcode.New(errcode.CaptchaFailed)
	}
	if err := judge(x, a, s.opts.Tolerance, s.opts.MinDrag); err != nil {
		return nil, errcode.New(errcode.CaptchaFailed)
	}
	slot.Release(ctx)
	token, err := randomToken(32)
	if err != nil {
		return nil, err
	}
	if err := s.st.PutPass(ctx, hashPass(token), now.Add(s.opts.PassTTL)); err != nil {
		return nil, fmt.Errorf("store captcha pass: %w", err)
	}
	return &api.CaptchaPass{Pass: token, ExpiresIn: int(s.opts.PassTTL / time.Second)}, nil
}

// Redeem consumes a pass: the first redemption succeeds, every later one (and any concurrent
// one) gets CaptchaRequired; a pass past its time gets CaptchaExpired.
func (s *Service) Redeem(ctx context.Context, token string) error {
	if s.opts.Disabled {
		return nil
	}
	if token == "" {
		return errcode.New(errcode.CaptchaRequired)
	}
	found, live, err := s.st.TakePass(ctx, hashPass(token), s.clk.Now())
	switch {
	case err != nil:
		return fmt.Errorf("redeem captcha pass: %w", err)
	case !found:
		return errcode.New(errcode.CaptchaRequired)
	case !live:
		return errcode.New(errcode.CaptchaExpired)
	}
	return nil
}

// Answer returns where the gap of a live puzzle is, without using the puzzle up. It exists for
// tests that drive a real browser to the right place; no handler may expose it.
func (s *Service) Answer(ctx context.Context, id string) (int, error) {
	x, ok, err := s.st.Puzzle(ctx, id, s.clk.Now())
	if err != nil {
		return 0, fmt.Errorf("read captcha puzzle: %w", err)
	}
	if !ok {
		return 0, errcode.New(errcode.CaptchaExpired)
	}
	return x, nil
}

// issuedAt reads the drawing time out of a puzzle id.
func issuedAt(id string) (time.Time, bool) {
	i := strings.LastIndexByte(id, '.')
	if i < 0 {
		return time.Time{}, false
	}
	ms, err := strconv.ParseInt(id[i+1:], 36, 64)
	if err != nil {
		return time.Time{}, false
	}
	return time.UnixMilli(ms), true
}

// randomToken returns n random bytes, URL-safe base64 without padding.
func randomToken(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// hashPass is what the database keeps of a pass. A pass is 256 random bits, so a plain SHA-256
// cannot be reversed by guessing; no key or slow hash is needed.
func hashPass(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
