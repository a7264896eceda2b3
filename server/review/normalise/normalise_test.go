// Package normalise_test tests and fuzzes the server's photo check on its own, apart from the
// review flow's tests, so that the fuzzer's instrumented build has no database engine to compile.
package normalise_test

import (
	"bytes"
	"testing"

	"github.com/h2non/bimg"

	"jszg/server/review"
	"jszg/shared/errcode"
	"jszg/shared/photo"
	"jszg/shared/photo/phototest"
)

func TestNormalise(t *testing.T) {
	good := phototest.WithExif(phototest.Picture(800, 500, 85, false), 1, false)
	for name, tc := range map[string]struct {
		data []byte
		want errcode.Code
	}{
		"a JPEG with EXIF":     {good, ""},
		"PNG renamed .jpg":     {phototest.Picture(800, 500, 0, true), errcode.PhotoNotJPEG},
		"too large":            {phototest.Picture(3000, 2000, 98, false), errcode.PhotoTooLarge},
		"60000×60000 header":   {phototest.WithSize(good, 60000, 60000), errcode.PhotoDimensions},
		"truncated":            {good[:len(good)*2/3], errcode.PhotoCorrupt},
		"rotated":              {phototest.WithExif(phototest.Picture(800, 500, 85, false), 6, false), errcode.PhotoRotated},
		"mirrored":             {phototest.WithExif(phototest.Picture(800, 500, 85, false), 4, false), errcode.PhotoRotated},
		"EXIF bomb":            {phototest.WithExif(phototest.Picture(800, 500, 85, false), 1, true), ""},
		"polyglot: ZIP after":  {append(bytes.Clone(good), []byte("PK\x03\x04\x14\x00\x00\x00")...), errcode.PhotoCorrupt},
		"polyglot: HTML after": {append(bytes.Clone(good), []byte("<script>alert(1)</script>")...), errcode.PhotoCorrupt},
	} {
		out, _, err := review.Normalise(tc.data)
		if got := errcode.Of(err); got != tc.want {
			t.Errorf("%s: %q (%v), want %q", name, got, err, tc.want)
			continue
		}
		if err != nil {
			continue
		}
		if bytes.Contains(out, []byte("Exif")) {
			t.Errorf("%s: metadata kept", name)
		}
		if info, err := photo.Inspect(out); err != nil || info.Width != 800 || info.Height != 500 {
			t.Errorf("%s: normalised copy %+v, %v", name, info, err)
		}
	}
}

// FuzzNormalise sends hostile files through the server's whole check, libvips included: no
// crash, every refusal a known code, and libvips's memory bounded by the dimension rule.
func FuzzNormalise(f *testing.F) {
	good := phototest.Picture(400, 320, 70, false)
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add(phototest.WithSize(good, 60000, 60000))
	f.Add(phototest.WithExif(good, 1, true))
	f.Add(phototest.WithExif(good, 8, false))
	f.Add(phototest.Picture(400, 320, 0, true))
	f.Add(append(bytes.Clone(good), []byte("PK\x03\x04")...))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _, err := review.Normalise(data)
		if err != nil && !errcode.Of(err).Known() {
			t.Fatalf("unknown error: %v", err)
		}
		if m := bimg.VipsMemory().MemoryHighwater; m > 256<<20 {
			t.Fatalf("libvips used %d MiB", m>>20)
		}
	})
}

// BenchmarkNormalise is the whole server check of one photo; BenchmarkBareVips the same decode
// and re-encode by libvips alone. make bench prints both: their ratio is the check's cost.
func BenchmarkNormalise(b *testing.B) {
	img := phototest.WithExif(phototest.Picture(1200, 800, 60, false), 1, false)
	if len(img) >= photo.MaxBytes {
		b.Fatalf("sample is %d bytes", len(img))
	}
	b.SetBytes(int64(len(img)))
	for b.Loop() {
		if _, _, err := review.Normalise(img); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBareVips(b *testing.B) {
	img := phototest.WithExif(phototest.Picture(1200, 800, 60, false), 1, false)
	b.SetBytes(int64(len(img)))
	for b.Loop() {
		if _, err := bimg.NewImage(img).Process(bimg.Options{Type: bimg.JPEG, Quality: 90, StripMetadata: true, NoAutoRotate: true}); err != nil {
			b.Fatal(err)
		}
	}
}
