// Package phototest makes ID-photo files for tests: a JPEG or PNG of a scene with photo-like
// detail, with an EXIF orientation (or an EXIF bomb), or with a forged frame size.
package phototest

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
)

// Picture draws a w×h scene with detail (so JPEG sizes are those of a photo, not of a flat
// colour) and encodes it as JPEG at quality q, or as PNG.
func Picture(w, h, q int, asPNG bool) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), uint8((x*7 ^ y*13) & 0xFF), 255})
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

// WithExif inserts an APP1 EXIF block with an orientation and, optionally, a bomb: an IFD that
// claims 65535 entries and points at itself.
func WithExif(jpg []byte, orientation uint16, bomb bool) []byte {
	tiff := []byte("MM\x00\x2a\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x08")
	binary.BigEndian.PutUint16(tiff[18:], orientation)
	if bomb {
		binary.BigEndian.PutUint16(tiff[8:], 0xFFFF)
	}
	seg := append([]byte("Exif\x00\x00"), tiff...)
	app1 := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(app1[2:], uint16(len(seg)+2))
	out := append([]byte{}, jpg[:2]...)
	out = append(out, app1...)
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}

// WithSize rewrites the frame header's height and width.
func WithSize(jpg []byte, w, h uint16) []byte {
	out := bytes.Clone(jpg)
	i := bytes.Index(out, []byte{0xFF, 0xC0})
	binary.BigEndian.PutUint16(out[i+5:], h)
	binary.BigEndian.PutUint16(out[i+7:], w)
	return out
}
