// Package photo holds the rules of the three ID photos of a manual review, compiled into both
// the Wasm client (which checks a photo before upload and offers to convert it) and the server
// (which checks it again, then decodes and re-encodes it). A photo is a baseline or progressive
// JPEG, known by its bytes and not by its name, smaller than MaxBytes, with each side between
// MinSide and MaxSide pixels, complete (its end-of-image marker present, nothing after it), and
// not rotated or mirrored by an EXIF orientation. Inspect reads only the markers: it never
// decodes the picture, so it is cheap and safe on hostile files, and its bounds on the size
// come before anything allocates a pixel buffer.
package photo

import (
	"encoding/binary"

	"jszg/shared/errcode"
)

// The rules.
const (
	// MaxBytes: a photo must be smaller than 190 KB (the seed's "小于190KB").
	MaxBytes = 190 * 1024
	// MinSide and MaxSide bound each side in pixels: legible, and at most 4096 × 4096 × 3 bytes
	// (48 MiB) once decoded.
	MinSide = 300
	MaxSide = 4096
	// TargetSide is the longer side the in-browser conversion starts from.
	TargetSide = 1600
)

// Kinds of the three photos, in the order of the form.
const (
	FrontSide = "front"   // 身份证A面
	BackSide  = "back"    // 身份证B面
	HoldingID = "holding" // 本人手持身份证
)

// Kinds lists the three photos in the order of the form.
var Kinds = []string{FrontSide, BackSide, HoldingID}

// Info is what the markers say about a JPEG.
type Info struct {
	Width, Height int
	// Orientation is the EXIF orientation (1 upright; 2–8 rotated and/or mirrored); 0 none.
	Orientation int
	Progressive bool
}

// IsJPEG reports whether data starts as a JPEG does (SOI, then a marker).
func IsJPEG(data []byte) bool {
	return len(data) >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF
}

// Check applies every rule and returns the first broken one as an *errcode.Error, or the
// photo's Info.
func Check(data []byte) (Info, error) {
	switch {
	case len(data) == 0:
		return Info{}, errcode.New(errcode.PhotoRequired)
	case !IsJPEG(data):
		return Info{}, errcode.New(errcode.PhotoNotJPEG)
	case len(data) >= MaxBytes:
		return Info{}, errcode.New(errcode.PhotoTooLarge)
	}
	info, err := Inspect(data)
	if err != nil {
		return info, err
	}
	if info.Orientation > 1 {
		return info, errcode.New(errcode.PhotoRotated)
	}
	return info, nil
}

// Inspect walks the JPEG's markers: the frame header's size, EXIF orientation, the entropy-coded
// scans, up to the end-of-image marker, which must end the data. Errors are *errcode.Error:
// PhotoNotJPEG, PhotoCorrupt (truncated, malformed, data after the end), PhotoDimensions.
func Inspect(data []byte) (Info, error) {
	var info Info
	if !IsJPEG(data) {
		return info, errcode.New(errcode.PhotoNotJPEG)
	}
	corrupt := errcode.New(errcode.PhotoCorrupt)
	sawFrame, sawScan := false, false
	i := 2
	for {
		// A marker: 0xFF (fill bytes allowed), then its code.
		if i >= len(data) || data[i] != 0xFF {
			return info, corrupt
		}
		for i < len(data) && data[i] == 0xFF {
			i++
		}
		if i >= len(data) {
			return info, corrupt
		}
		m := data[i]
		i++
		switch {
		case m == 0xD9: // EOI
			if !sawFrame || !sawScan {
				return info, corrupt
			}
			if i != len(data) {
				// Another file appended (a polyglot) or junk: refused, not silently kept.
				return info, corrupt
			}
			return info, nil
		case m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7):
			if m == 0xD8 {
				return info, corrupt // a second SOI: an embedded JPEG is not a photo
			}
			continue // markers without a length
		}
		if i+2 > len(data) {
			return info, corrupt
		}
		n := int(binary.BigEndian.Uint16(data[i:]))
		if n < 2 || i+n > len(data) {
			return info, corrupt
		}
		seg := data[i+2 : i+n]
		i += n
		switch {
		case m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC: // SOFn
			if sawFrame || len(seg) < 6 {
				return info, corrupt
			}
			if m != 0xC0 && m != 0xC1 && m != 0xC2 {
				return info, errcode.New(errcode.PhotoNotJPEG) // lossless, hierarchical, arithmetic
			}
			sawFrame = true
			info.Progressive = m == 0xC2
			info.Height = int(binary.BigEndian.Uint16(seg[1:]))
			info.Width = int(binary.BigEndian.Uint16(seg[3:]))
			if info.Width < MinSide || info.Height < MinSide || info.Width > MaxSide || info.Height > MaxSide {
				return info, errcode.New(errcode.PhotoDimensions)
			}
		case m == 0xE1 && info.Orientation == 0: // APP1: EXIF
			info.Orientation = exifOrientation(seg)
		case m == 0xDA: // SOS: entropy-coded data follows, up to the next marker
			if !sawFrame {
				return info, corrupt
			}
			sawScan = true
			j := i
			for {
				if j+1 >= len(data) {
					return info, corrupt // truncated inside a scan
				}
				if data[j] == 0xFF && data[j+1] != 0x00 && !(data[j+1] >= 0xD0 && data[j+1] <= 0xD7) && data[j+1] != 0xFF {
					break
				}
				j++
			}
			i = j
		}
	}
}

// exifOrientation reads tag 0x0112 of IFD0 from an APP1 segment; 0 when absent or malformed.
// It reads one directory of at most 256 entries and follows no offsets beyond it, so a crafted
// EXIF block (loops, huge counts) costs nothing.
func exifOrientation(seg []byte) int {
	if len(seg) < 14 || string(seg[:6]) != "Exif\x00\x00" {
		return 0
	}
	t := seg[6:]
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 0
	}
	if bo.Uint16(t[2:]) != 42 {
		return 0
	}
	off := int(bo.Uint32(t[4:]))
	if off < 8 || off+2 > len(t) {
		return 0
	}
	count := int(bo.Uint16(t[off:]))
	if count > 256 {
		return 0
	}
	for k := range count {
		e := off + 2 + 12*k
		if e+12 > len(t) {
			return 0
		}
		if bo.Uint16(t[e:]) == 0x0112 && bo.Uint16(t[e+2:]) == 3 {
			v := int(bo.Uint16(t[e+8:]))
			if v >= 1 && v <= 8 {
				return v
			}
			return 0
		}
	}
	return 0
}
