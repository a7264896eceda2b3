package photo_test

import (
	"bytes"
	"testing"

	"jszg/shared/errcode"
	"jszg/shared/photo"
	"jszg/shared/photo/phototest"
)

func TestCheck(t *testing.T) {
	good := phototest.Picture(640, 400, 80, false)
	if len(good) >= photo.MaxBytes {
		t.Fatalf("sample too large: %d", len(good))
	}
	for name, tc := range map[string]struct {
		data []byte
		want errcode.Code
	}{
		"a JPEG by its bytes":     {good, ""},
		"upright EXIF":            {phototest.WithExif(good, 1, false), ""},
		"empty":                   {nil, errcode.PhotoRequired},
		"PNG named .jpg":          {phototest.Picture(640, 400, 0, true), errcode.PhotoNotJPEG},
		"too large":               {append(bytes.Clone(good), make([]byte, photo.MaxBytes)...), errcode.PhotoTooLarge},
		"too small to read":       {phototest.Picture(200, 120, 80, false), errcode.PhotoDimensions},
		"60000×60000 header":      {phototest.WithSize(good, 60000, 60000), errcode.PhotoDimensions},
		"truncated":               {good[:len(good)/2], errcode.PhotoCorrupt},
		"ZIP appended (polyglot)": {append(bytes.Clone(good), []byte("PK\x03\x04polyglot")...), errcode.PhotoCorrupt},
		"rotated 90° by EXIF":     {phototest.WithExif(good, 6, false), errcode.PhotoRotated},
		"mirrored by EXIF":        {phototest.WithExif(good, 2, false), errcode.PhotoRotated},
		"header only":             {[]byte{0xFF, 0xD8, 0xFF, 0xD9}, errcode.PhotoCorrupt},
	} {
		_, err := photo.Check(tc.data)
		if got := errcode.Of(err); got != tc.want {
			t.Errorf("%s: %q (%v), want %q", name, got, err, tc.want)
		}
	}
	info, _ := photo.Inspect(good)
	if info.Width != 640 || info.Height != 400 {
		t.Errorf("size %d×%d, want 640×400", info.Width, info.Height)
	}
}

// FuzzInspect feeds hostile files to the marker walk: it must never panic, and whatever it
// accepts must be a JPEG within the bounds.
func FuzzInspect(f *testing.F) {
	good := phototest.Picture(320, 320, 60, false)
	f.Add(good)
	f.Add(phototest.WithExif(good, 6, false))
	f.Add(phototest.WithSize(good, 60000, 60000))
	f.Add(good[:len(good)/3])
	f.Add(phototest.Picture(320, 320, 0, true))
	f.Fuzz(func(t *testing.T, data []byte) {
		info, err := photo.Check(data)
		if err == nil && (info.Width < photo.MinSide || info.Width > photo.MaxSide || info.Height < photo.MinSide || info.Height > photo.MaxSide || len(data) >= photo.MaxBytes) {
			t.Fatalf("accepted %d bytes of %d×%d", len(data), info.Width, info.Height)
		}
		if err != nil && !errcode.Of(err).Known() {
			t.Fatalf("unknown error %v", err)
		}
	})
}
