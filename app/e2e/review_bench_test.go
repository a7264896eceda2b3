//go:build !js

package e2e

import (
	"os"
	"testing"
	"time"

	"jszg/server/testenv"
)

// BenchmarkPhotoConversionInBrowser is the in-page conversion of a phone photo of about 4 MB
// (4000 × 3000 with a camera's grain) into a JPEG under 190 KB: the time the page reports,
// from decoding the file (EXIF orientation applied) to the last encode.
func BenchmarkPhotoConversionInBrowser(b *testing.B) {
	requireBrowser(b)
	env := testenv.Start(b)
	a := newApplicantIn(b, env)
	br := newBrowser(b)
	br.desktop()
	br.open(env.URL+"/login", "login")
	signIn(br, env, a)
	path := photoFile(b, b.TempDir(), "phone.jpg", 4000, 3000, 86, false)
	st, _ := os.Stat(path)
	var total time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		br.open(env.URL+"/review", "review")
		br.waitFor("the form", `!!document.getElementById("review-form")`)
		br.upload("photo_front-file", path)
		br.waitText("#photo_front-error", "190KB")
		br.click("#photo_front-convert")
		br.waitText("#photo-front-result", "已转换")
		ms := eval[int](br, `+document.getElementById("photo-front-result").dataset.ms`)
		total += time.Duration(ms) * time.Millisecond
	}
	b.StopTimer()
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms-convert")
	out := eval[int](br, `+document.getElementById("photo-front-result").dataset.bytes`)
	b.ReportMetric(float64(out)/1024, "KB-output")
	b.ReportMetric(float64(st.Size())/1e6, "MB-input")
}
