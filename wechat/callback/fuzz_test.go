package callback_test

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/silenceper/wechat/v2/util"

	"jszg/server/clock"
	"jszg/server/store/storetest"
	"jszg/wechat/callback"
)

const (
	appID  = "wx0123456789abcdef"
	token  = "fuzztoken"
	aesKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
)

func sign(parts ...string) string {
	sort.Strings(parts)
	h := sha1.Sum([]byte(strings.Join(parts, "")))
	return hex.EncodeToString(h[:])
}

var encryptRe = regexp.MustCompile(`<Encrypt><!\[CDATA\[(.*?)\]\]></Encrypt>`)

// FuzzReceive posts arbitrary bodies with a valid signature (and, in safe mode, a valid
// msg_signature over whatever Encrypt they carry): the endpoint never panics, answers with one
// of its statuses, and calls the handler only with a sender.
func FuzzReceive(f *testing.F) {
	st := storetest.Open(f)
	clk := clock.NewFake(time.Date(2026, 3, 2, 9, 10, 30, 0, clock.China))
	handled := 0
	ep, err := callback.New(callback.Config{AppID: appID, Token: token, EncodingAESKey: aesKey}, st.WeChat.Pushes, clk,
		func(ctx context.Context, ev callback.Event) (string, error) {
			handled++
			if ev.OpenID == "" {
				panic("event without a sender")
			}
			return "收到：" + ev.Type + ev.Scene, nil
		}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		f.Fatal(err)
	}
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Post("/wechat/callback", ep.Receive)

	plain := `<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[oUser]]></FromUserName><CreateTime>1772413830</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event><EventKey><![CDATA[qrscene_abc]]></EventKey></xml>`
	enc, _ := util.EncryptMsg(make([]byte, 16), []byte(plain), appID, aesKey)
	f.Add([]byte(plain), false)
	f.Add([]byte(`<xml><ToUserName>gh_1</ToUserName><Encrypt><![CDATA[`+string(enc)+`]]></Encrypt></xml>`), true)
	f.Add([]byte(`<xml><Encrypt><![CDATA[AAAA]]></Encrypt></xml>`), true)
	f.Add([]byte(`<xml><FromUserName>x</FromUserName><MsgType>text</MsgType><MsgId>1</MsgId></xml>`), false)
	f.Add([]byte(`<xml><FromUserName>x</FromUserName><MsgType>event</MsgType><Event>SCAN</Event></xml>`), false)
	f.Add([]byte(`not xml`), false)
	f.Add([]byte(``), true)
	f.Add([]byte(`<!DOCTYPE x [<!ENTITY a "b">]><xml>&a;</xml>`), false)

	n := 0
	f.Fuzz(func(t *testing.T, body []byte, safe bool) {
		n++
		ts := strconv.FormatInt(clk.Now().Unix(), 10)
		nonce := strconv.Itoa(n)
		q := url.Values{"signature": {sign(token, ts, nonce)}, "timestamp": {ts}, "nonce": {nonce}}
		if safe {
			q.Set("encrypt_type", "aes")
			e := ""
			if m := encryptRe.FindSubmatch(body); m != nil {
				e = string(m[1])
			}
			q.Set("msg_signature", sign(token, ts, nonce, e))
		}
		req := httptest.NewRequest(http.MethodPost, "/wechat/callback?"+q.Encode(), bytes.NewReader(body))
		res, err := app.Test(req, 5000)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		switch res.StatusCode {
		case 200, 400, 403, 413:
		default:
			t.Fatalf("status %d", res.StatusCode)
		}
	})
	if handled == 0 {
		f.Log("no seed reached the handler")
	}
}
