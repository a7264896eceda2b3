package callback_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/silenceper/wechat/v2/util"

	"jszg/server/clock"
	"jszg/server/store/storetest"
	"jszg/wechat/callback"
)

// safeEndpoint is an endpoint with an AES key and the service account's original id; handled
// counts the pushes that reached the handler.
func safeEndpoint(t *testing.T, compatible bool) (*fiber.App, *clock.Fake, *int) {
	st := storetest.Open(t)
	clk := clock.NewFake(time.Date(2026, 3, 2, 9, 10, 30, 0, clock.China))
	handled := new(int)
	ep, err := callback.New(callback.Config{AppID: appID, Token: token, EncodingAESKey: aesKey, OriginalID: "gh_1", Compatible: compatible},
		st.WeChat.Pushes, clk, func(ctx context.Context, ev callback.Event) (string, error) {
			*handled++
			return "", nil
		}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Post("/wechat/callback", ep.Receive)
	return app, clk, handled
}

func pushXML(to, from string, created int64) string {
	return `<xml><ToUserName><![CDATA[` + to + `]]></ToUserName><FromUserName><![CDATA[` + from + `]]></FromUserName><CreateTime>` +
		strconv.FormatInt(created, 10) + `</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[SCAN]]></Event><EventKey><![CDATA[abc]]></EventKey></xml>`
}

// post sends a push signed as WeChat signs it, encrypted when enc, and returns the status.
func post(t *testing.T, app *fiber.App, clk *clock.Fake, nonce, plain string, enc bool) int {
	t.Helper()
	ts := strconv.FormatInt(clk.Now().Unix(), 10)
	q := url.Values{"signature": {sign(token, ts, nonce)}, "timestamp": {ts}, "nonce": {nonce}}
	body := plain
	if enc {
		e, err := util.EncryptMsg(make([]byte, 16), []byte(plain), appID, aesKey)
		if err != nil {
			t.Fatal(err)
		}
		body = `<xml><ToUserName><![CDATA[gh_1]]></ToUserName><Encrypt><![CDATA[` + string(e) + `]]></Encrypt></xml>`
		q.Set("encrypt_type", "aes")
		q.Set("msg_signature", sign(token, ts, nonce, string(e)))
	}
	res, err := app.Test(httptest.NewRequest(http.MethodPost, "/wechat/callback?"+q.Encode(), bytes.NewReader([]byte(body))), 5000)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// With an AES key, a plaintext push (its signature does not cover the body) is refused.
func TestSafeModeRefusesPlaintextPushes(t *testing.T) {
	app, clk, handled := safeEndpoint(t, false)
	now := clk.Now().Unix()
	if st := post(t, app, clk, "n1", pushXML("gh_1", "oUser", now), false); st != http.StatusForbidden || *handled != 0 {
		t.Fatalf("plaintext push in safe mode: %d, handled %d; want 403 and 0", st, *handled)
	}
	if st := post(t, app, clk, "n2", pushXML("gh_1", "oUser", now), true); st != http.StatusOK || *handled != 1 {
		t.Fatalf("encrypted push: %d, handled %d", st, *handled)
	}
	// Compatible mode, asked for explicitly, accepts both.
	app, clk, handled = safeEndpoint(t, true)
	if st := post(t, app, clk, "n3", pushXML("gh_1", "oUser", now), false); st != http.StatusOK || *handled != 1 {
		t.Fatalf("plaintext push in compatible mode: %d, handled %d", st, *handled)
	}
}

// An encrypted push's (timestamp, nonce) is claimed too: the same signed query with another
// encrypted body (another event) is answered without effect.
func TestEncryptedPushesClaimTheirNonce(t *testing.T) {
	app, clk, handled := safeEndpoint(t, false)
	now := clk.Now().Unix()
	post(t, app, clk, "same", pushXML("gh_1", "oUser", now), true)
	if st := post(t, app, clk, "same", pushXML("gh_1", "oOther", now+1), true); st != http.StatusOK || *handled != 1 {
		t.Fatalf("replayed nonce with another body: %d, handled %d; want 200 and 1", st, *handled)
	}
}

// A push addressed to another account is refused.
func TestPushToAnotherAccountIsRefused(t *testing.T) {
	app, clk, handled := safeEndpoint(t, false)
	if st := post(t, app, clk, "n1", pushXML("gh_other", "oUser", clk.Now().Unix()), true); st != http.StatusForbidden || *handled != 0 {
		t.Fatalf("push to gh_other: %d, handled %d; want 403 and 0", st, *handled)
	}
}
