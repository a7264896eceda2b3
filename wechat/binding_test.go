package wechat_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"jszg/shared/api"
	"jszg/wechat"
	"jszg/wechat/wechatfake"
)

func (h *harness) binding(account string) api.WeChatBinding {
	h.t.Helper()
	var b api.WeChatBinding
	if res := h.do("GET", "/api/me/wechat", account, nil, &b); res.StatusCode != 200 {
		h.t.Fatalf("GET binding: %d", res.StatusCode)
	}
	return b
}

func TestBindByScene(t *testing.T) {
	h := newHarness(t, true)
	ctx := context.Background()
	phone := wechatfake.NewOpenID()

	sc := h.bindScene("acc-A")
	if r := h.scan(phone, sc.Scene); !strings.HasPrefix(r, "绑定成功") {
		t.Fatalf("reply %q", r)
	}
	if st := h.status(sc.Scene); st.Status != "bound" {
		t.Fatalf("status %+v", st)
	}
	b := h.binding("acc-A")
	if !b.Bound || b.Via != "scan" || !b.Followed || b.OpenID == phone || !strings.Contains(b.OpenID, "****") ||
		!strings.HasPrefix(phone, b.OpenID[:4]) || b.BoundAt != "2026-03-02 09:10" {
		t.Fatalf("binding %+v", b)
	}
	if got, _ := h.svc.BoundOpenID(ctx, "acc-A"); got != phone {
		t.Fatalf("BoundOpenID %q", got)
	}
	// Scanning the same code again is harmless.
	if r := h.scan(phone, sc.Scene); !strings.Contains(r, "无需重复绑定") {
		t.Fatalf("again: %q", r)
	}
	// A bound account cannot ask for another binding code.
	if res := h.do("POST", "/api/me/wechat/scene", "acc-A", nil, nil); res.StatusCode != 409 {
		t.Fatalf("second bind scene: %d", res.StatusCode)
	}
	if res := h.do("POST", "/api/me/wechat/scene", "", nil, nil); res.StatusCode != 401 {
		t.Fatalf("signed out: %d", res.StatusCode)
	}
}

func TestBindConflict(t *testing.T) {
	h := newHarness(t, false)
	phone := wechatfake.NewOpenID()
	h.scan(phone, h.bindScene("acc-A").Scene)

	// The same WeChat user tries to bind a second account.
	sc := h.bindScene("acc-B")
	if r := h.scan(phone, sc.Scene); !strings.Contains(r, "已绑定其他中国教师资格网账号") {
		t.Fatalf("reply %q", r)
	}
	st := h.status(sc.Scene)
	if st.Status != "rejected" || st.Code != "wechat_openid_taken" || st.Message == "" {
		t.Fatalf("status %+v", st)
	}
	if b := h.binding("acc-B"); b.Bound {
		t.Fatalf("acc-B bound: %+v", b)
	}
	if b := h.binding("acc-A"); !b.Bound {
		t.Fatal("acc-A lost its binding")
	}
}

func TestUnbind(t *testing.T) {
	h := newHarness(t, false)
	phone := wechatfake.NewOpenID()
	h.scan(phone, h.bindScene("acc-A").Scene)
	if res := h.do("DELETE", "/api/me/wechat", "acc-A", nil, nil); res.StatusCode != 204 {
		t.Fatalf("unbind: %d", res.StatusCode)
	}
	if b := h.binding("acc-A"); b.Bound {
		t.Fatalf("still bound: %+v", b)
	}
	var e struct{ Code string }
	if res := h.do("DELETE", "/api/me/wechat", "acc-A", nil, &e); res.StatusCode != 404 || e.Code != "wechat_not_bound" {
		t.Fatalf("unbind twice: %d %+v", res.StatusCode, e)
	}
	// The WeChat user is free again, for another account.
	if r := h.scan(phone, h.bindScene("acc-B").Scene); !strings.HasPrefix(r, "绑定成功") {
		t.Fatalf("rebind elsewhere: %q", r)
	}
}

func TestUnfollowIsRecorded(t *testing.T) {
	h := newHarness(t, true)
	ctx := context.Background()
	phone := wechatfake.NewOpenID()
	h.scan(phone, h.bindScene("acc-A").Scene)
	h.clk.Advance(time.Hour)
	if err := h.app.Unfollow(ctx, phone); err != nil {
		t.Fatal(err)
	}
	b := h.binding("acc-A")
	if !b.Bound || b.Followed || b.UnfollowedAt != "2026-03-02 10:10" {
		t.Fatalf("after unfollow: %+v", b)
	}
	// No template message is attempted while unfollowed: the caller falls back to SMS.
	err := h.svc.Notify(ctx, "acc-A", wechat.Notice{TemplateID: "tpl-review", Kind: "review_result", Data: map[string]string{"result": "通过"}})
	if !errors.Is(err, wechat.ErrUnfollowed) || len(h.app.TemplateMessages(phone)) != 0 {
		t.Fatalf("notify while unfollowed: %v", err)
	}
	// Following again (by any scan) clears the mark.
	h.scan(phone, h.registerScene().Scene)
	if b := h.binding("acc-A"); !b.Followed || b.UnfollowedAt != "" {
		t.Fatalf("after following again: %+v", b)
	}
}

// snsapi_base inside WeChat: start → WeChat's authorize page → back with a code → bound.
func TestOAuthBinding(t *testing.T) {
	h := newHarness(t, true)
	ctx := context.Background()
	phone := wechatfake.NewOpenID()
	h.scan(phone, h.registerScene().Scene) // a follower

	back := h.oauth("acc-C", phone)
	if back.Path != "/profile" || back.Query().Get("wechat") != "bound" {
		t.Fatalf("returned to %s", back)
	}
	if got, _ := h.svc.BoundOpenID(ctx, "acc-C"); got != phone {
		t.Fatalf("bound %q", got)
	}
	if b := h.binding("acc-C"); b.Via != "oauth" || !b.Followed {
		t.Fatalf("binding %+v", b)
	}

	// The same WeChat user for another account.
	if back := h.oauth("acc-D", phone); back.Query().Get("wechat_error") != api.WeChatOAuthOpenIDTaken {
		t.Fatalf("conflict returned to %s", back)
	}
	// A user who never followed can bind, recorded as not following.
	other := wechatfake.NewOpenID()
	h.oauth("acc-E", other)
	if b := h.binding("acc-E"); !b.Bound || b.Followed {
		t.Fatalf("non-follower binding %+v", b)
	}
}

func TestOAuthCallbackRefusesForeignOrReplayedState(t *testing.T) {
	h := newHarness(t, false)
	phone := wechatfake.NewOpenID()
	authorize := h.oauthStart("acc-A")
	back := h.authorizeAs(authorize, phone)
	// The callback is opened in another account's session: refused.
	if got := h.callback(back, "acc-B"); got.Query().Get("wechat_error") != api.WeChatOAuthDenied {
		t.Fatalf("foreign session: %s", got)
	}
	// The state is used up: even its own account cannot use it again.
	if got := h.callback(back, "acc-A"); got.Query().Get("wechat_error") != api.WeChatOAuthDenied {
		t.Fatalf("replayed: %s", got)
	}
	if b := h.binding("acc-A"); b.Bound || h.binding("acc-B").Bound {
		t.Fatal("bound by a refused callback")
	}
	// A stale state is refused.
	authorize = h.oauthStart("acc-A")
	back = h.authorizeAs(authorize, phone)
	h.clk.Advance(11 * time.Minute)
	if got := h.callback(back, "acc-A"); got.Query().Get("wechat_error") != api.WeChatOAuthDenied {
		t.Fatalf("stale state: %s", got)
	}
}

func (h *harness) oauth(account, openid string) *url.URL {
	return h.callback(h.authorizeAs(h.oauthStart(account), openid), account)
}

func (h *harness) oauthStart(account string) *url.URL {
	h.t.Helper()
	res := h.do("GET", "/api/me/wechat/oauth/start", account, nil, nil)
	loc, err := url.Parse(res.Header.Get("Location"))
	if res.StatusCode != 302 || err != nil || loc.Path != "/connect/oauth2/authorize" || loc.Query().Get("scope") != "snsapi_base" {
		h.t.Fatalf("start: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	return loc
}

// authorizeAs is WeChat's page, for the user openid; it returns where WeChat sends the browser.
func (h *harness) authorizeAs(authorize *url.URL, openid string) *url.URL {
	h.t.Helper()
	q := authorize.Query()
	q.Set("openid", openid)
	authorize.RawQuery = q.Encode()
	res, err := h.http.Get(authorize.String())
	if err != nil {
		h.t.Fatal(err)
	}
	res.Body.Close()
	back, err := url.Parse(res.Header.Get("Location"))
	if res.StatusCode != 302 || err != nil || back.Query().Get("code") == "" {
		h.t.Fatalf("authorize: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if !strings.HasPrefix(back.String(), h.base+"/api/me/wechat/oauth/callback?") {
		h.t.Fatalf("redirect_uri %s", back)
	}
	return back
}

func (h *harness) callback(back *url.URL, account string) *url.URL {
	h.t.Helper()
	res := h.do("GET", strings.TrimPrefix(back.String(), h.base), account, nil, nil)
	loc, err := url.Parse(res.Header.Get("Location"))
	if res.StatusCode != 302 || err != nil {
		h.t.Fatalf("callback: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	return loc
}

func TestTemplateNotice(t *testing.T) {
	h := newHarness(t, true)
	ctx := context.Background()
	phone := wechatfake.NewOpenID()
	h.scan(phone, h.bindScene("acc-A").Scene)
	n := wechat.Notice{TemplateID: "tpl-review", Kind: "review_result", URL: "https://example.invalid/profile",
		Data: map[string]string{"first": "您的人工审核已有结果", "keyword1": "人工审核通过"}}

	if err := h.svc.Notify(ctx, "acc-A", n); err != nil {
		t.Fatal(err)
	}
	// WeChat is busy once, then a gateway fails once: the notice still arrives.
	h.app.FailTemplateSends(-1)
	if err := h.svc.Notify(ctx, "acc-A", n); err != nil {
		t.Fatal(err)
	}
	h.app.FailTemplateSends(502)
	if err := h.svc.Notify(ctx, "acc-A", n); err != nil {
		t.Fatal(err)
	}
	msgs := h.app.TemplateMessages(phone)
	if len(msgs) != 3 || msgs[0].TemplateID != "tpl-review" || msgs[0].Data["keyword1"] != "人工审核通过" || msgs[0].URL != n.URL {
		t.Fatalf("received %+v", msgs)
	}
	// Busy every time: three attempts, then the error.
	h.app.FailTemplateSends(-1, -1, -1)
	if err := h.svc.Notify(ctx, "acc-A", n); err == nil {
		t.Fatal("notify succeeded with WeChat always busy")
	}
	// Not retried: a refusal that will not change.
	h.app.FailTemplateSends(40037)
	if err := h.svc.Notify(ctx, "acc-A", n); err == nil {
		t.Fatal("notify succeeded with a bad template")
	}
	if err := h.svc.Notify(ctx, "acc-B", n); !errors.Is(err, wechat.ErrNotBound) {
		t.Fatalf("unbound account: %v", err)
	}

	recs, err := h.st.WeChat.Notices.History(ctx, "acc-A", h.clk.Now(), 100)
	if err != nil {
		t.Fatal(err)
	}
	other, err := h.st.WeChat.Notices.History(ctx, "acc-B", h.clk.Now(), 100)
	if err != nil {
		t.Fatal(err)
	}
	recs = append(recs, other...)
	type want struct {
		result   string
		attempts int
	}
	got := map[want]int{}
	for _, r := range recs {
		if r.TemplateID != "tpl-review" || r.Kind != "review_result" || r.CreatedAt.IsZero() {
			t.Errorf("record %+v", r)
		}
		got[want{r.Result, r.Attempts}]++
	}
	exp := map[want]int{{"sent", 1}: 1, {"sent", 2}: 2, {"failed", 3}: 1, {"failed", 1}: 1, {"not_bound", 0}: 1}
	for k, v := range exp {
		if got[k] != v {
			t.Errorf("records %v, want %v", got, exp)
			break
		}
	}
	// The records carry no openid and none of the message's data.
	for _, r := range recs {
		for k, v := range map[string]string{"id": r.ID, "account": r.AccountID, "template": r.TemplateID, "kind": r.Kind, "result": r.Result} {
			if v == phone || strings.Contains(v, "审核") {
				t.Errorf("record field %s holds personal or message data: %+v", k, r)
			}
		}
	}
}
