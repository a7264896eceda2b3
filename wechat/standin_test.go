package wechat_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"jszg/server/clock"
	"jszg/server/code"
	"jszg/server/quota"
	"jszg/server/store/storetest"
	"jszg/wechat"
	"jszg/wechat/wechatfake"
)

// With no AppID the stand-in runs in process, and the developer's phone at /dev/wechat scans a
// page's QR code and shows the chat.
func TestStandInAndDeveloperPhone(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t)
	clk := clock.NewFake(time.Date(2026, 3, 2, 9, 10, 30, 0, clock.China))
	q := quota.New(st.Quotas, clk)
	codes := code.New(st.Codes, clk, q, []byte("test secret"))
	svc, err := wechat.New(ctx, wechat.Config{Logger: quiet}, st.WeChat, clk, codes, q)
	if err != nil {
		t.Fatal(err)
	}
	app := svc.StandIn()
	if app == nil || app.Config().EncodingAESKey == "" {
		t.Fatal("no stand-in in safe mode")
	}
	h := &harness{t: t, st: st, clk: clk, codes: codes, svc: svc, app: app, base: serve(t, svc),
		http: &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}

	res, err := h.http.Get(h.base + "/dev/wechat")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(page), "模拟微信") {
		t.Fatalf("dev page: %d", res.StatusCode)
	}
	if app.CallbackURL() != h.base+"/wechat/callback" {
		t.Fatalf("callback learnt as %q", app.CallbackURL())
	}

	sc := h.registerScene()
	if live := app.LiveScenes(); len(live) != 1 || live[0].Scene != sc.Scene {
		t.Fatalf("live scenes %+v", live)
	}
	openid := wechatfake.NewOpenID()
	res, err = h.http.PostForm(h.base+"/dev/wechat/scan", url.Values{"openid": {openid}, "live": {sc.Scene}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || strings.Contains(res.Header.Get("Location"), "error") {
		t.Fatalf("scan: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	res, err = h.http.Get(h.base + "/dev/wechat/chat.json?openid=" + openid)
	if err != nil {
		t.Fatal(err)
	}
	var chat struct {
		Follows bool `json:"follows"`
		Chat    []wechatfake.ChatLine
	}
	_ = json.NewDecoder(res.Body).Decode(&chat)
	res.Body.Close()
	if !chat.Follows || len(chat.Chat) != 2 || codeIn(chat.Chat[1].Text) == "" {
		t.Fatalf("chat %+v", chat)
	}
	if err := codes.Verify(ctx, registerKey(sc.Scene), codeIn(chat.Chat[1].Text)); err != nil {
		t.Fatal(err)
	}
}
