package review

import (
	"os"
	"sync"

	"github.com/h2non/bimg"

	"jszg/shared/errcode"
	"jszg/shared/photo"
)

var vipsOnce sync.Once

// startVips sets libvips up once: no operation cache (every photo is new, and a cache would keep
// decoded pixels of applicants' documents in memory).
func startVips() {
	vipsOnce.Do(func() {
		// libvips writes a warning to stderr for every damaged file; hostile uploads would fill
		// the server's log with them. The refusal is what matters, and it is the caller's.
		if os.Getenv("VIPS_WARNING") == "" {
			_ = os.Setenv("VIPS_WARNING", "0")
		}
		bimg.Initialize()
		bimg.VipsCacheSetMax(0)
		bimg.VipsCacheSetMaxMem(0)
	})
}

// Normalise checks an uploaded photo and returns the copy to keep. First the shared rules, which
// read only the markers: the type by its bytes, the size, the frame header's dimensions (bounded
// before anything is decoded, so a 60000 × 60000 header costs nothing), a complete file with
// nothing appended, no EXIF rotation or mirroring. Then libvips reads the header itself (a
// disagreement with ours is a crafted file) and decodes every pixel while re-encoding, which
// drops every metadata block: EXIF with its GPS position, comments, thumbnails.
func Normalise(data []byte) ([]byte, photo.Info, error) {
	info, err := photo.Check(data)
	if err != nil {
		return nil, info, err
	}
	startVips()
	img := bimg.NewImage(data)
	meta, err := img.Metadata()
	if err != nil || meta.Type != "jpeg" {
		return nil, info, errcode.New(errcode.PhotoCorrupt)
	}
	if meta.Size.Width != info.Width || meta.Size.Height != info.Height {
		return nil, info, errcode.New(errcode.PhotoCorrupt)
	}
	if meta.Orientation > 1 {
		return nil, info, errcode.New(errcode.PhotoRotated)
	}
	out, err := img.Process(encodeOptions)
	if err != nil || !photo.IsJPEG(out) {
		return nil, info, errcode.New(errcode.PhotoCorrupt)
	}
	return out, info, nil
}

// encodeOptions re-encode as the upload was (JPEG, upright as stored), without metadata.
var encodeOptions = bimg.Options{Type: bimg.JPEG, Quality: 90, StripMetadata: true, NoAutoRotate: true}
