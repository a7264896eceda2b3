// Command webicons draws the app icons of the PWA (web/icon-192.png, web/icon-512.png). The icons are drawn here rather than downloaded so the product ships
// nothing from an outside host; the output is committed, so this only runs when the design changes:
//
//	go run ./app/cmd/webicons
//
// The emblem (a mortarboard over an open book, white on the service's blue) stays inside the
// central 80 % of the square, the safe zone of a maskable icon.
package main

import (
	"flag"
	"image"
	"image/color"
	"image/png"
	"log"
	"math"
	"os"
	"path/filepath"
)

var (
	blue  = color.RGBA{0x1d, 0x5a, 0xa8, 0xff}
	white = color.RGBA{0xff, 0xff, 0xff, 0xff}
)

func main() {
	log.SetFlags(0)
	out := flag.String("o", "web", "output folder")
	flag.Parse()

	for _, size := range []int{192, 512} {
		write(filepath.Join(*out, "icon-"+itoa(size)+".png"), icon(size))
	}
}

func write(path string, img image.Image) {
	f, err := os.Create(path)
	if err != nil {
		log.Fatal(err)
	}
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(f, img); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
	log.Printf("wrote %s", path)
}

// icon renders the emblem at size×size with 4×4 supersampling for smooth edges.
func icon(size int) *image.RGBA {
	const ss = 4
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	for py := 0; py < size; py++ {
		for px := 0; px < size; px++ {
			var r, g, b float64
			for sy := 0; sy < ss; sy++ {
				for sx := 0; sx < ss; sx++ {
					// Unit coordinates, 0..1 across the icon.
					x := (float64(px) + (float64(sx)+0.5)/ss) / float64(size)
					y := (float64(py) + (float64(sy)+0.5)/ss) / float64(size)
					c := emblem(x, y)
					r += float64(c.R)
					g += float64(c.G)
					b += float64(c.B)
				}
			}
			n := float64(ss * ss)
			img.SetRGBA(px, py, color.RGBA{uint8(r / n), uint8(g / n), uint8(b / n), 0xff})
		}
	}
	return img
}

// emblem returns the colour at unit coordinates (x, y): a full-bleed blue square (maskable icons
// are cropped by the platform) with a white mortarboard and book.
func emblem(x, y float64) color.RGBA {
	// Mortarboard: a flat diamond centred at (0.5, 0.36).
	if math.Abs(x-0.5)/0.30+math.Abs(y-0.36)/0.11 <= 1 {
		return white
	}
	// Cap band under the board.
	if y >= 0.40 && y <= 0.50 && math.Abs(x-0.5) <= 0.15 {
		return white
	}
	// Tassel on the right.
	if x >= 0.745 && x <= 0.765 && y >= 0.36 && y <= 0.52 {
		return white
	}
	// Open book: two pages rising from a spine at x = 0.5.
	if y >= 0.56 && y <= 0.74 {
		dx := math.Abs(x - 0.5)
		top := 0.61 - 0.05*(dx/0.26)
		if dx >= 0.015 && dx <= 0.26 && y >= top && y <= top+0.13 {
			return white
		}
	}
	return blue
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}
