package httpapi_test

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"testing"

	"jszg/server/testenv"
	"jszg/shared/api"
	"jszg/shared/errcode"
)

func photoBytes(w, h int, asPNG bool) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), uint8(x ^ y), 255})
		}
	}
	var b bytes.Buffer
	if asPNG {
		_ = png.Encode(&b, img)
	} else {
		_ = jpeg.Encode(&b, img, &jpeg.Options{Quality: 80})
	}
	return b.Bytes()
}

// submitReview posts the 人工审核 form with the given photo of A面 (the others valid).
func (c *client) submitReview(front []byte) (int, *api.ErrorResponse, *api.ReviewSummary) {
	c.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, v := range map[string]string{"validity_term": "long", "valid_from": "2010-01-01", "reason": "实名核验未通过"} {
		_ = w.WriteField(k, v)
	}
	for kind, data := range map[string][]byte{"front": front, "back": photoBytes(640, 400, false), "holding": photoBytes(480, 640, false)} {
		fw, _ := w.CreateFormFile("photo_"+kind, kind+".jpg")
		_, _ = fw.Write(data)
	}
	_ = w.Close()
	req, _ := http.NewRequest("POST", c.env.URL+"/api/me/review", &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("X-CSRF-Token", c.csrf)
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	var sum api.ReviewSummary
	if st, e := decodeAnswer(c.t, resp, &sum); e != nil {
		return st, e, nil
	}
	return resp.StatusCode, nil, &sum
}

func decodeAnswer(t testing.TB, resp *http.Response, out any) (int, *api.ErrorResponse) {
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		var e api.ErrorResponse
		if err := jsonUnmarshal(raw, &e); err != nil || e.Code == "" {
			t.Fatalf("%d: %s", resp.StatusCode, raw)
		}
		return resp.StatusCode, &e
	}
	if err := jsonUnmarshal(raw, out); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
	return resp.StatusCode, nil
}

func TestManualReviewOverHTTP(t *testing.T) {
	env := testenv.Start(t)
	c := newClient(t, env)
	req := sample("13800000009")
	if st, e := c.register(req); e != nil {
		t.Fatalf("register: %d %+v", st, e)
	}
	if st, e := c.signIn(req.DocNumber, req.Password); e != nil {
		t.Fatalf("sign in: %d %+v", st, e)
	}
	st, e, _ := c.submitReview(photoBytes(640, 400, true))
	if st != http.StatusBadRequest || e.Code != errcode.PhotoNotJPEG || e.Field != "photo_front" {
		t.Fatalf("PNG named .jpg: %d %+v", st, e)
	}
	st, e, sum := c.submitReview(photoBytes(640, 400, false))
	if e != nil || st != http.StatusCreated || sum.State != "pending" {
		t.Fatalf("submit: %d %+v", st, e)
	}
	var status api.ReviewStatus
	c.do("GET", "/api/me/review", nil, &status)
	if status.Remaining != 2 || status.Latest == nil || status.Latest.ID != sum.ID || status.RealNameState != "review_pending" {
		t.Fatalf("status %+v", status)
	}
	if st, e := c.do("POST", "/api/me/realname", struct{}{}, nil); st != http.StatusConflict || e.Code != errcode.RealNameReviewPending {
		t.Fatalf("verification while pending: %d %+v", st, e)
	}
	resp, err := c.http.Get(env.URL + "/api/me/review/" + sum.ID + "/photos/front")
	if err != nil || resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/jpeg" {
		t.Fatalf("own photo: %v %v", resp, err)
	}
	resp.Body.Close()

	other := newClient(t, env)
	oreq := registration(11, "13800000011")
	other.register(oreq)
	other.signIn(oreq.DocNumber, oreq.Password)
	if st, _ := other.do("GET", "/api/me/review/"+sum.ID+"/photos/front", nil, nil); st != http.StatusNotFound {
		t.Fatalf("another applicant read the photo: %d", st)
	}
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
