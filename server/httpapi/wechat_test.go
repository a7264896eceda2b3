package httpapi_test

import (
	"context"
	"net/http"
	"regexp"
	"testing"
	"time"

	"jszg/server/testenv"
	"jszg/shared/api"
	"jszg/wechat/wechatfake"
)

// TestRegisterWithACodeByWeChatScanBindsTheAccount walks 微信扫码获取验证码 through the whole server:
// the page asks for a QR scene, a phone scans it (a signed push from the WeChat stand-in), the
// code arrives as the chat reply, the page sees it was sent, and the new account is bound to the
// WeChat user at once.
func TestRegisterWithACodeByWeChatScanBindsTheAccount(t *testing.T) {
	env := testenv.Start(t)
	phone := env.Server.WeChat.StandIn()
	phone.SetCallbackURL(env.URL + "/wechat/callback")
	c := newClient(t, env)

	var sc api.WeChatScene
	if st, e := c.do("POST", "/api/wechat/scenes", api.WeChatSceneRequest{Purpose: api.WeChatPurposeRegister}, &sc); e != nil {
		t.Fatalf("scene: %d %+v", st, e)
	}
	resp, err := http.Get(env.URL + sc.QR)
	if err != nil || resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("QR image: %v %v", resp, err)
	}
	resp.Body.Close()

	openid := wechatfake.NewOpenID()
	reply, err := phone.Scan(context.Background(), openid, sc.Scene)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`\d{6}`).FindString(reply)
	if m == "" {
		t.Fatalf("chat reply without a code: %q", reply)
	}
	var status api.WeChatSceneStatus
	c.do("GET", "/api/wechat/scenes/"+sc.Scene, nil, &status)
	if status.Status != api.SceneCodeSent {
		t.Fatalf("scene status %+v, want code_sent", status)
	}

	req := registration(20, "13812340020")
	req.CodeSource, req.Code, req.WeChatScene, req.Captcha = api.CodeByWeChat, m, sc.Scene, c.captcha()
	if st, e := c.do("POST", "/api/register", req, nil); st != http.StatusCreated {
		t.Fatalf("register: %d %+v", st, e)
	}
	c.signIn(req.DocNumber, req.Password)
	var me api.Me
	c.do("GET", "/api/me", nil, &me)
	if !me.WeChatBound {
		t.Fatalf("the new account is not bound: %+v", me)
	}
	var b api.WeChatBinding
	if st, e := c.do("GET", "/api/me/wechat", nil, &b); e != nil || !b.Bound || b.Via != "registration" {
		t.Fatalf("binding: %d %+v %+v", st, e, b)
	}
	// The 绑定成功 template message reaches the phone (sent in the background).
	deadline := time.Now().Add(10 * time.Second)
	for len(phone.TemplateMessages(openid)) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("no binding notice arrived")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if msg := phone.TemplateMessages(openid)[0]; msg.Data["keyword1"] != "账号绑定" {
		t.Fatalf("notice %+v", msg)
	}
}

// TestSignedOutPageNavigationGoesToSignIn: the OAuth binding link opened as a page after the
// session ended leads to 登录, which returns to it; a script gets the JSON error.
func TestSignedOutPageNavigationGoesToSignIn(t *testing.T) {
	env := testenv.Start(t)
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequest("GET", env.URL+"/api/me/wechat/oauth/start", nil)
	req.Header.Set("Sec-Fetch-Mode", "navigate")
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login?return_to=%2Fapi%2Fme%2Fwechat%2Foauth%2Fstart" {
		t.Fatalf("navigation: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	c := newClient(t, env)
	if st, e := c.do("GET", "/api/me/wechat", nil, nil); st != http.StatusUnauthorized || e.Code != "unauthorized" {
		t.Fatalf("script: %d %+v", st, e)
	}
}
