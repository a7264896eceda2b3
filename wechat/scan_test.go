package wechat_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"jszg/wechat"
	"jszg/wechat/wechatfake"
)

var pngMagic = []byte("\x89PNG\r\n\x1a\n")

// A registration attempt: the page shows a QR code, the applicant scans it and reads the code in
// the chat; the page sees code_sent; registration verifies the code and binds the WeChat user.
func TestScanSendsRegistrationCode(t *testing.T) {
	for _, mode := range []struct {
		name string
		safe bool
	}{{"plain", false}, {"aes", true}} {
		t.Run(mode.name, func(t *testing.T) {
			h := newHarness(t, mode.safe)
			ctx := context.Background()
			sc := h.registerScene()
			if sc.ExpiresIn != 300 || !strings.HasSuffix(sc.QR, "/qr.png") {
				t.Fatalf("scene %+v", sc)
			}
			res, err := h.http.Get(h.base + sc.QR)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			_, _ = buf.ReadFrom(res.Body)
			res.Body.Close()
			if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/png" || !bytes.HasPrefix(buf.Bytes(), pngMagic) {
				t.Fatalf("qr.png: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
			}
			if st := h.status(sc.Scene); st.Status != "waiting" {
				t.Fatalf("before the scan: %+v", st)
			}

			openid := wechatfake.NewOpenID()
			reply := h.scan(openid, sc.Scene) // first time: a subscribe event with qrscene_
			c := codeIn(reply)
			if c == "" || !strings.HasPrefix(reply, "【中国教师资格网】您的注册验证码为") || !strings.Contains(reply, "5分钟内有效") {
				t.Fatalf("reply %q", reply)
			}
			if st := h.status(sc.Scene); st.Status != "code_sent" {
				t.Fatalf("after the scan: %+v", st)
			}
			if got, err := h.svc.OpenIDForScene(ctx, sc.Scene); err != nil || got != openid {
				t.Fatalf("OpenIDForScene = %q, %v", got, err)
			}

			// A minute later the same phone scans again (now a follower: a SCAN event) for a new code.
			h.clk.Advance(61 * time.Second)
			c2 := codeIn(h.scan(openid, sc.Scene))
			if c2 == "" {
				t.Fatal("second scan after the cooldown gave no code")
			}
			if err := h.codes.Verify(ctx, registerKey(sc.Scene), c2); err != nil {
				t.Fatalf("verify: %v", err)
			}
			if err := h.svc.BindAfterRegistration(ctx, sc.Scene, "acc-new"); err != nil {
				t.Fatal(err)
			}
			if got, _ := h.svc.BoundOpenID(ctx, "acc-new"); got != openid {
				t.Fatalf("bound %q", got)
			}
			if st := h.status(sc.Scene); st.Status != "bound" {
				t.Fatalf("after registration: %+v", st)
			}
		})
	}
}

func TestPushWithBadSignatureIsRefused(t *testing.T) {
	for _, safe := range []bool{false, true} {
		h := newHarness(t, safe)
		sc := h.registerScene()
		ctx := context.Background()
		tamper := map[string]func(*wechatfake.Push){
			"signature":    func(p *wechatfake.Push) { p.Query.Set("signature", strings.Repeat("0", 40)) },
			"no signature": func(p *wechatfake.Push) { p.Query.Del("signature") },
			"other nonce":  func(p *wechatfake.Push) { p.Query.Set("nonce", p.Query.Get("nonce")+"1") },
			"other timestamp": func(p *wechatfake.Push) {
				p.Query.Set("timestamp", fmt.Sprint(h.clk.Now().Unix()-1))
			},
		}
		if safe {
			tamper["msg_signature"] = func(p *wechatfake.Push) { p.Query.Set("msg_signature", strings.Repeat("a", 40)) }
		}
		for name, f := range tamper {
			p, err := h.app.NewPush(wechatfake.Event{OpenID: wechatfake.NewOpenID(), Event: "subscribe", EventKey: "qrscene_" + sc.Scene})
			if err != nil {
				t.Fatal(err)
			}
			f(p)
			reply, status, err := h.app.Send(ctx, p)
			if status != http.StatusForbidden || reply != "" || err != nil {
				t.Errorf("safe=%v %s: status %d, reply %q, %v; want a bare 403", safe, name, status, reply, err)
			}
		}
		if st := h.status(sc.Scene); st.Status != "waiting" {
			t.Fatalf("a refused push changed the scene: %+v", st)
		}
	}
}

func TestStalePushIsRefused(t *testing.T) {
	h := newHarness(t, true)
	sc := h.registerScene()
	ctx := context.Background()
	for _, skew := range []time.Duration{6 * time.Minute, -6 * time.Minute} {
		p, err := h.app.NewPush(wechatfake.Event{OpenID: wechatfake.NewOpenID(), Event: "subscribe", EventKey: "qrscene_" + sc.Scene})
		if err != nil {
			t.Fatal(err)
		}
		h.clk.Advance(skew) // the push was signed 6 minutes ago (or 6 minutes ahead)
		_, status, err := h.app.Send(ctx, p)
		if status != http.StatusForbidden || err != nil {
			t.Errorf("skew %v: status %d, %v", skew, status, err)
		}
		h.clk.Advance(-skew)
	}
	// Within the window it is accepted.
	p, _ := h.app.NewPush(wechatfake.Event{OpenID: wechatfake.NewOpenID(), Event: "subscribe", EventKey: "qrscene_" + sc.Scene})
	h.clk.Advance(4 * time.Minute)
	if reply, status, err := h.app.Send(ctx, p); status != 200 || err != nil || codeIn(reply) == "" {
		t.Fatalf("4 minutes old: %d %q %v", status, reply, err)
	}
}

// WeChat retries a push it got no answer to; a replay is answered "success" and does nothing,
// even past the code's cooldown (which would otherwise issue a new code, voiding the first).
func TestReplayedPushIsHandledOnce(t *testing.T) {
	for _, safe := range []bool{false, true} {
		h := newHarness(t, safe)
		ctx := context.Background()
		sc := h.registerScene()
		p, err := h.app.NewPush(wechatfake.Event{OpenID: wechatfake.NewOpenID(), Event: "subscribe", EventKey: "qrscene_" + sc.Scene})
		if err != nil {
			t.Fatal(err)
		}
		reply, status, err := h.app.Send(ctx, p)
		first := codeIn(reply)
		if status != 200 || err != nil || first == "" {
			t.Fatalf("first delivery: %d %q %v", status, reply, err)
		}
		h.clk.Advance(61 * time.Second)
		for i := 0; i < 3; i++ {
			reply, status, err = h.app.Send(ctx, p)
			if status != 200 || err != nil || reply != "" {
				t.Fatalf("safe=%v replay %d: %d %q %v, want an empty success", safe, i, status, reply, err)
			}
		}
		if err := h.codes.Verify(ctx, registerKey(sc.Scene), first); err != nil {
			t.Fatalf("safe=%v: the first code was replaced by a replay: %v", safe, err)
		}
	}
}

// Two scans of one scene by one phone a second apart, in flight together: one code, and the
// other scan is told, in Chinese, to wait for the cooldown.
func TestTwoScansAtOnceGiveOneCode(t *testing.T) {
	h := newHarness(t, true)
	ctx := context.Background()
	sc := h.registerScene()
	openid := wechatfake.NewOpenID()
	now := h.clk.Now()
	pushes := []*wechatfake.Push{}
	for i, ev := range []string{"subscribe", "SCAN"} {
		key := sc.Scene
		if ev == "subscribe" {
			key = "qrscene_" + sc.Scene
		}
		p, err := h.app.NewPush(wechatfake.Event{OpenID: openid, Event: ev, EventKey: key, CreateTime: now.Add(time.Duration(i) * time.Second)})
		if err != nil {
			t.Fatal(err)
		}
		pushes = append(pushes, p)
	}
	replies := make([]string, len(pushes))
	var wg sync.WaitGroup
	for i, p := range pushes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, status, err := h.app.Send(ctx, p)
			if status != 200 || err != nil {
				t.Errorf("push %d: %d %v", i, status, err)
			}
			replies[i] = r
		}()
	}
	wg.Wait()
	codes, waits := 0, 0
	for _, r := range replies {
		switch {
		case codeIn(r) != "":
			codes++
		case strings.Contains(r, "验证码已发送") && strings.Contains(r, "秒后再扫码"):
			waits++
		}
	}
	if codes != 1 || waits != 1 {
		t.Fatalf("replies %q: want one code and one cooldown answer", replies)
	}

	// A second phone pointed at the same screen gets nothing: the scene is the first phone's.
	if r := h.scan(wechatfake.NewOpenID(), sc.Scene); codeIn(r) != "" || !strings.Contains(r, "已被其他微信扫描") {
		t.Fatalf("other phone: %q", r)
	}
}

func TestExpiredScene(t *testing.T) {
	h := newHarness(t, false)
	sc := h.registerScene()
	h.clk.Advance(5 * time.Minute)
	if st := h.status(sc.Scene); st.Status != "expired" || st.ExpiresIn != 0 {
		t.Fatalf("status %+v", st)
	}
	if res := h.do("GET", sc.QR, "", nil, nil); res.StatusCode != 404 {
		t.Fatalf("qr.png of an expired scene: %d", res.StatusCode)
	}
	// The phone itself refuses an expired QR code, as WeChat does…
	if _, err := h.app.Scan(context.Background(), wechatfake.NewOpenID(), sc.Scene); !errors.Is(err, wechatfake.ErrQRExpired) {
		t.Fatalf("phone scan: %v", err)
	}
	// …and a scan that reaches the server late is answered with the expiry.
	p, _ := h.app.NewPush(wechatfake.Event{OpenID: wechatfake.NewOpenID(), Event: "SCAN", EventKey: sc.Scene})
	if r, _, _ := h.app.Send(context.Background(), p); !strings.Contains(r, "二维码已过期") {
		t.Fatalf("late scan: %q", r)
	}
	if res := h.do("GET", "/api/wechat/scenes/nonexistent", "", nil, nil); res.StatusCode != 404 {
		t.Fatalf("unknown scene: %d", res.StatusCode)
	}
}

func TestUnknownPushesAreAnsweredSuccess(t *testing.T) {
	h := newHarness(t, true)
	ctx := context.Background()
	openid := wechatfake.NewOpenID()
	if r, err := h.app.SendText(ctx, openid, "你好"); err != nil || r != "" {
		t.Fatalf("text: %q %v", r, err)
	}
	for _, ev := range []string{"LOCATION", "CLICK", "VIEW", "TEMPLATESENDJOBFINISH", "something_new"} {
		p, _ := h.app.NewPush(wechatfake.Event{OpenID: openid, Event: ev, EventKey: "k"})
		if r, status, err := h.app.Send(ctx, p); status != 200 || err != nil || r != "" {
			t.Fatalf("%s: %d %q %v", ev, status, r, err)
		}
	}
	for _, mt := range []string{"image", "voice", "video", "location", "link", "miniprogrampage"} {
		p, _ := h.app.NewPush(wechatfake.Event{OpenID: openid, MsgType: mt, MsgID: time.Now().UnixNano()})
		if r, status, err := h.app.Send(ctx, p); status != 200 || err != nil || r != "" {
			t.Fatalf("%s: %d %q %v", mt, status, r, err)
		}
	}
	// A follow without a scene is welcomed.
	if r, err := h.app.Follow(ctx, wechatfake.NewOpenID()); err != nil || !strings.Contains(r, "感谢关注") {
		t.Fatalf("follow: %q %v", r, err)
	}
}

// WeChat checks the URL with a GET carrying echostr.
func TestCallbackURLCheck(t *testing.T) {
	h := newHarness(t, false)
	p, _ := h.app.NewPush(wechatfake.Event{OpenID: "x", Event: "subscribe"})
	q := p.Query
	q.Set("echostr", "1234567890123456789")
	res, err := h.http.Get(h.base + "/wechat/callback?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	_, _ = b.ReadFrom(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || b.String() != "1234567890123456789" {
		t.Fatalf("echo: %d %q", res.StatusCode, b.String())
	}
	q.Set("signature", strings.Repeat("f", 40))
	res, _ = h.http.Get(h.base + "/wechat/callback?" + q.Encode())
	b.Reset()
	_, _ = b.ReadFrom(res.Body)
	res.Body.Close()
	if res.StatusCode != 403 || b.Len() != 0 {
		t.Fatalf("bad signature: %d %q", res.StatusCode, b.String())
	}
}

func TestScenesPerAddressAreLimited(t *testing.T) {
	h := newHarness(t, false)
	old := wechat.ScenesPerHour
	wechat.ScenesPerHour.Max = 3
	t.Cleanup(func() { wechat.ScenesPerHour = old })
	for i := 0; i < 3; i++ {
		h.registerScene()
	}
	var e struct {
		Code       string `json:"code"`
		Message    string `json:"message"`
		RetryAfter int    `json:"retry_after"`
	}
	res := h.do("POST", "/api/wechat/scenes", "", map[string]string{"purpose": "register"}, &e)
	if res.StatusCode != 429 || e.Code != "too_many_requests" || e.Message == "" || e.RetryAfter <= 0 {
		t.Fatalf("fourth scene: %d %+v", res.StatusCode, e)
	}
	// Only registration scenes are public.
	if res := h.do("POST", "/api/wechat/scenes", "", map[string]string{"purpose": "bind"}, nil); res.StatusCode != 400 {
		t.Fatalf("public bind scene: %d", res.StatusCode)
	}
}

// A WeChat user who scans for codes on many pages is limited per openid.
func TestCodesPerOpenIDAreLimited(t *testing.T) {
	h := newHarness(t, false)
	old := wechat.ScenesPerHour
	wechat.ScenesPerHour.Max = 100
	t.Cleanup(func() { wechat.ScenesPerHour = old })
	openid := wechatfake.NewOpenID()
	got := 0
	for i := 0; i < 11; i++ {
		if codeIn(h.scan(openid, h.registerScene().Scene)) != "" {
			got++
		}
	}
	if got != 10 {
		t.Fatalf("%d codes in an hour for one openid, want 10", got)
	}
}
