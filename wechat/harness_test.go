package wechat_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"jszg/server/clock"
	"jszg/server/code"
	"jszg/server/httpapi"
	"jszg/server/quota"
	"jszg/server/store"
	"jszg/server/store/storetest"
	"jszg/shared/api"
	"jszg/wechat"
	"jszg/wechat/wechatfake"
)

// harness is the account centre's WeChat side running over real HTTP on loopback, against the
// shared stand-in (one per test binary: the adapter's API base is process-wide) with a service
// account of its own, and a real embedded store.
type harness struct {
	t     testing.TB
	st    *store.Stores
	clk   *clock.Fake
	codes *code.Service
	svc   *wechat.Service
	app   *wechatfake.App
	base  string
	http  *http.Client
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func newHarness(t testing.TB, safeMode bool) *harness {
	t.Helper()
	ctx := context.Background()
	st := storetest.Open(t)
	// Half past a minute, so that stepping by minutes never crosses an hour by accident.
	clk := clock.NewFake(time.Date(2026, 3, 2, 9, 10, 30, 0, clock.China))
	q := quota.New(st.Quotas, clk)
	codes := code.New(st.Codes, clk, q, []byte("test secret"))
	srv, err := wechatfake.Default()
	if err != nil {
		t.Fatal(err)
	}
	ac := wechatfake.NewAppConfig()
	ac.Now = clk.Now
	if !safeMode {
		ac.EncodingAESKey = ""
	}
	app := srv.AddApp(ac)
	svc, err := wechat.New(ctx, wechat.Config{AppID: ac.AppID, AppSecret: ac.Secret, Token: ac.Token,
		EncodingAESKey: ac.EncodingAESKey, APIBase: srv.URL, Logger: quiet}, st.WeChat, clk, codes, q)
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, st: st, clk: clk, codes: codes, svc: svc, app: app, http: &http.Client{
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
	h.base = serve(t, svc)
	app.SetCallbackURL(h.base + "/wechat/callback")
	return h
}

// serve mounts svc on a Fiber app on loopback. The signed-in account is the X-Account header,
// standing in for the session middleware of the server.
func serve(t testing.TB, svc *wechat.Service) string {
	f := fiber.New(fiber.Config{DisableStartupMessage: true, ErrorHandler: httpapi.ErrorHandler(slog.New(slog.NewTextHandler(io.Discard, nil)))})
	authed := f.Group("/api/me", func(c *fiber.Ctx) error {
		acc := c.Get("X-Account")
		if acc == "" {
			return c.SendStatus(fiber.StatusUnauthorized)
		}
		c.Locals("account", utils.CopyString(acc))
		return c.Next()
	})
	svc.Mount(f, authed, func(c *fiber.Ctx) string { s, _ := c.Locals("account").(string); return s })
	if app := svc.StandIn(); app != nil {
		app.MountDevPage(f)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = f.Listener(ln) }()
	t.Cleanup(func() { _ = f.ShutdownWithTimeout(2 * time.Second) })
	return "http://" + ln.Addr().String()
}

// do sends a request as account (none when ""), and decodes a JSON answer into out.
func (h *harness) do(method, path, account string, body any, out any) *http.Response {
	h.t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, h.base+path, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if account != "" {
		req.Header.Set("X-Account", account)
	}
	res, err := h.http.Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	if out != nil && len(data) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			h.t.Fatalf("%s %s: %d %s: %v", method, path, res.StatusCode, data, err)
		}
	}
	return res
}

// registerScene asks for a registration QR code as the public page does.
func (h *harness) registerScene() api.WeChatScene {
	h.t.Helper()
	var sc api.WeChatScene
	if res := h.do("POST", "/api/wechat/scenes", "", api.WeChatSceneRequest{Purpose: "register"}, &sc); res.StatusCode != 201 {
		h.t.Fatalf("create scene: %d", res.StatusCode)
	}
	return sc
}

// bindScene asks for a binding QR code as account.
func (h *harness) bindScene(account string) api.WeChatScene {
	h.t.Helper()
	var sc api.WeChatScene
	if res := h.do("POST", "/api/me/wechat/scene", account, nil, &sc); res.StatusCode != 201 {
		h.t.Fatalf("create bind scene: %d", res.StatusCode)
	}
	return sc
}

func (h *harness) status(scene string) api.WeChatSceneStatus {
	h.t.Helper()
	var st api.WeChatSceneStatus
	h.do("GET", "/api/wechat/scenes/"+scene, "", nil, &st)
	return st
}

func (h *harness) scan(openid, scene string) string {
	h.t.Helper()
	reply, err := h.app.Scan(context.Background(), openid, scene)
	if err != nil {
		h.t.Fatalf("scan: %v", err)
	}
	return reply
}

var codeRe = regexp.MustCompile(`验证码为(\d{6})`)

// codeIn returns the code of a chat reply, or "".
func codeIn(reply string) string {
	if m := codeRe.FindStringSubmatch(reply); m != nil {
		return m[1]
	}
	return ""
}

func registerKey(scene string) code.Key {
	return code.Key{Channel: code.ChannelWeChat, To: scene, Purpose: "register"}
}
