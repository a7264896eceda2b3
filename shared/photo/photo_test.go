package photo_test

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"

	"jszg/shared/errcode"
	"jszg/shared/photo"
)

// picture draws a w×h gradient and encodes it as JPEG (quality q) or, with asPNG, as PNG.
func picture(w, h, q int, asPNG bool) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), uint8((x ^ y) & 0xFF), 255})
		}
	}
	var b bytes.Buffer
	if asPNG {
		_ = png.Encode(&b, img)
	} else {
		_ = jpeg.Encode(&b, img, &jpeg.Options{Quality: q})
	}
	return b.Bytes()
}

// withExif inserts an APP1 EXIF segment with the given orientation after the SOI.
func withExif(jpg []byte, orientation uint16) []byte {
	tiff := []byte("MM\x00\x2a\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00")
	binary.BigEndian.PutUint16(tiff[18:], orientation)
	seg := append([]byte("Exif\x00\x00"), tiff...)
	app1 := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(app1[2:], uint16(len(seg)+2))
	out := append([]byte{}, jpg[:2]...)
	out = append(out, app1...)
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}

// withSize rewrites the frame header's height and width.
func withSize(jpg []byte, w, h uint16) []byte {
	out := bytes.Clone(jpg)
	i := bytes.Index(out, []byte{0xFF, 0xC0})
	binary.BigEndian.PutUint16(out[i+5:], h)
	binary.BigEndian.PutUint16(out[i+7:], w)
	return out
}

func TestCheck(t *testing.T) {
	good := picture(640, 400, 80, false)
	if len(good) >= photo.MaxBytes {
		t.Fatalf("sample too large: %d", len(good))
	}
	for name, tc := range map[string]struct {
		data []byte
		want errcode.Code
	}{
		"a JPEG by its bytes":     {good, ""},
		"upright EXIF":            {withExif(good, 1), ""},
		"empty":                   {nil, errcode.PhotoRequired},
		"PNG named .jpg":          {picture(640, 400, 0, true), errcode.PhotoNotJPEG},
		"too large":               {append(bytes.Clone(good), make([]byte, photo.MaxBytes)...), errcode.PhotoTooLarge},
		"too small to read":       {picture(200, 120, 80, false), errcode.PhotoDimensions},
		"60000×60000 header":      {withSize(good, 60000, 60000), errcode.PhotoDimensions},
		"truncated":               {good[:len(good)/2], errcode.PhotoCorrupt},
		"ZIP appended (polyglot)": {append(bytes.Clone(good), []byte("PK\x03\x04polyglot")...), errcode.PhotoCorrupt},
		"rotated 90° by EXIF":     {withExif(good, 6), errcode.PhotoRotated},
		"mirrored by EXIF":        {withExif(good, 2), errcode.PhotoRotated},
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
	good := picture(320, 320, 60, false)
	f.Add(good)
	f.Add(withExif(good, 6))
	f.Add(withSize(good, 60000, 60000))
	f.Add(good[:len(good)/3])
	f.Add(picture(320, 320, 0, true))
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
