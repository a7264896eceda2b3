package wechatfake

import (
	"html/template"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// The developer's phone: a page of the account centre (mounted only while the stand-ins are on)
// where a developer picks a WeChat user, scans a live QR code of the page they are testing, and
// reads what the service account answered in the chat and which template messages arrived.

var devPage = template.Must(template.New("dev").Funcs(template.FuncMap{
	"secs": func(d interface{ Seconds() float64 }) int { return int(d.Seconds()) },
}).Parse(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>模拟微信（开发用）</title>
<style>body{font:15px/1.5 system-ui,sans-serif;margin:1rem;color:#222;max-width:46rem}
fieldset{border:1px solid #ddd;border-radius:6px;margin:0 0 1rem}input,select,button{font:inherit;padding:.35rem;margin:.2rem 0}
input[name=openid],input[name=scene],select{width:100%;box-sizing:border-box}button{background:#07c160;color:#fff;border:0;border-radius:4px;padding:.45rem 1.2rem}
button.plain{background:#888}.chat{background:#ededed;padding:.6rem;border-radius:6px}.line{margin:.35rem 0;display:flex}
.line span{padding:.35rem .6rem;border-radius:4px;max-width:80%;white-space:pre-wrap}.me{justify-content:flex-end}.me span{background:#95ec69}.them span{background:#fff}
small{color:#777}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.3rem;text-align:left;vertical-align:top}.err{color:#b00}</style></head>
<body><h1>模拟微信（开发用）</h1>
<p><small>本地替身：以某个微信用户身份扫描账号中心页面上的服务号二维码，查看服务号在聊天中的回复和收到的模板消息。推送地址：<code>{{.Callback}}</code></small></p>
{{if .Error}}<p class="err">{{.Error}}</p>{{end}}
<form method="post" action="{{.Base}}/scan"><fieldset><legend>扫码</legend>
<label>微信用户 openid<input name="openid" list="openids" value="{{.OpenID}}" required></label>
<datalist id="openids">{{range .OpenIDs}}<option value="{{.}}">{{end}}</datalist>
<label>二维码场景（有效中的二维码）<select name="live"><option value="">— 手动填写 —</option>
{{range .Live}}<option value="{{.Scene}}"{{if eq .Scene $.Scene}} selected{{end}}>{{.Scene}}（剩余{{secs .ExpiresIn}}秒）</option>{{end}}</select></label>
<label>或手动填写场景值<input name="scene" value="" placeholder="例如网页上二维码对应的 scene"></label>
<button type="submit">扫码</button></fieldset></form>
<form method="post" action="{{.Base}}/unfollow"><input type="hidden" name="openid" value="{{.OpenID}}">
<button class="plain" type="submit">取消关注</button> <small>{{if .Follows}}已关注服务号{{else}}未关注服务号{{end}}</small></form>
<h2>聊天</h2><div class="chat">{{range .Chat}}<div class="line {{if .FromUser}}me{{else}}them{{end}}"><span>{{.Text}}</span></div>{{else}}<small>暂无消息</small>{{end}}</div>
<h2>模板消息</h2><table><tr><th>时间</th><th>模板</th><th>内容</th></tr>
{{range .Templates}}<tr><td>{{.At.Format "15:04:05"}}</td><td>{{.TemplateID}}</td><td>{{range $k, $v := .Data}}{{$k}}：{{$v}}<br>{{end}}{{if .URL}}<a href="{{.URL}}">详情</a>{{end}}</td></tr>
{{else}}<tr><td colspan="3"><small>暂无模板消息</small></td></tr>{{end}}</table>
</body></html>`))

// MountDevPage registers the developer's phone at /dev/wechat on r: the page, its two actions
// (POST /dev/wechat/scan, /dev/wechat/unfollow) and GET /dev/wechat/chat.json?openid=… for
// browser tests. When the app has no callback URL yet, the first visit sets it to this server's
// /wechat/callback.
func (a *App) MountDevPage(r fiber.Router) {
	const base = "/dev/wechat"
	r.Get(base, a.devShow)
	r.Post(base+"/scan", a.devScan)
	r.Post(base+"/unfollow", a.devUnfollow)
	r.Get(base+"/chat.json", func(c *fiber.Ctx) error {
		a.learnCallback(c)
		openid := c.Query("openid")
		c.Set(fiber.HeaderCacheControl, "no-store")
		return c.JSON(fiber.Map{"openid": openid, "follows": a.Follows(openid), "chat": a.Chat(openid),
			"templates": a.TemplateMessages(openid), "live_scenes": a.LiveScenes()})
	})
}

func (a *App) learnCallback(c *fiber.Ctx) {
	if a.CallbackURL() == "" {
		a.SetCallbackURL(c.BaseURL() + "/wechat/callback")
	}
}

func (a *App) devShow(c *fiber.Ctx) error {
	a.learnCallback(c)
	openid := strings.Clone(c.Query("openid"))
	if openid == "" {
		if known := a.OpenIDs(); len(known) > 0 {
			openid = known[len(known)-1]
		} else {
			openid = NewOpenID()
		}
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return devPage.Execute(c.Response().BodyWriter(), map[string]any{
		"Base": strings.TrimSuffix(c.Path(), "/"), "Callback": a.CallbackURL(), "Error": c.Query("error"),
		"OpenID": openid, "OpenIDs": a.OpenIDs(), "Follows": a.Follows(openid), "Live": a.LiveScenes(),
		"Scene": c.Query("scene"), "Chat": a.Chat(openid), "Templates": a.TemplateMessages(openid),
	})
}

func (a *App) devScan(c *fiber.Ctx) error {
	a.learnCallback(c)
	openid := strings.TrimSpace(c.FormValue("openid"))
	scene := strings.TrimSpace(c.FormValue("scene"))
	if scene == "" {
		scene = strings.TrimSpace(c.FormValue("live"))
	}
	q := url.Values{"openid": {openid}}
	if openid == "" || scene == "" {
		q.Set("error", "请填写 openid 并选择或填写二维码场景")
	} else if _, err := a.Scan(c.UserContext(), openid, scene); err != nil {
		q.Set("error", "扫码失败："+err.Error())
	}
	return c.Redirect(strings.TrimSuffix(c.Path(), "/scan")+"?"+q.Encode(), fiber.StatusSeeOther)
}

func (a *App) devUnfollow(c *fiber.Ctx) error {
	a.learnCallback(c)
	openid := strings.TrimSpace(c.FormValue("openid"))
	q := url.Values{"openid": {openid}}
	if err := a.Unfollow(c.UserContext(), openid); err != nil {
		q.Set("error", "取消关注失败："+err.Error())
	}
	return c.Redirect(strings.TrimSuffix(c.Path(), "/unfollow")+"?"+q.Encode(), fiber.StatusSeeOther)
}
