package httpapi

import (
	"html/template"

	"github.com/gofiber/fiber/v2"
)

// The developer outbox: what the SMS and e-mail stand-ins would have delivered. Mounted only
// while the stand-ins are on; it shows codes in clear on purpose.

func (a *API) outboxJSON(c *fiber.Ctx) error {
	msgs, err := a.d.Outbox.List(c.UserContext(), c.Query("to"), 100)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(msgs)
}

var outboxPage = template.Must(template.New("outbox").Parse(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="refresh" content="5"><title>开发用发件箱</title>
<style>body{font:15px/1.5 system-ui,sans-serif;margin:1rem;color:#222}table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;vertical-align:top}.code{font:bold 1.3rem monospace;color:#b00}</style></head>
<body><h1>开发用发件箱</h1><p>本地替身收到的短信与邮件（仅在未配置真实短信/邮件服务时可见），每5秒刷新。</p>
<table><tr><th>时间</th><th>渠道</th><th>收件人</th><th>验证码</th><th>内容</th></tr>
{{range .}}<tr><td>{{.SentAt.Format "2006-01-02 15:04:05"}}</td><td>{{.Channel}}</td><td>{{.To}}</td><td class="code">{{.Code}}</td><td>{{.Subject}} {{.Text}}</td></tr>
{{else}}<tr><td colspan="5">暂无消息</td></tr>{{end}}</table></body></html>`))

func (a *API) outboxPage(c *fiber.Ctx) error {
	msgs, err := a.d.Outbox.List(c.UserContext(), "", 100)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return outboxPage.Execute(c.Response().BodyWriter(), msgs)
}
