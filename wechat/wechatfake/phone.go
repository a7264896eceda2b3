package wechatfake

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha1"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/silenceper/wechat/v2/util"
)

// App is one service account on the stand-in, with the phones of its users.
type App struct {
	s      *Server
	cfg    AppConfig
	client *http.Client

	mu            sync.Mutex
	callback      string
	tokenRequests int
	followers     map[string]bool
	known         []string
	chats         map[string][]ChatLine
	templates     []TemplateMessage
	failSends     []int
}

// ChatLine is one line of a user's chat with the service account.
type ChatLine struct {
	At time.Time `json:"at"`
	// FromUser is true for what the user did (a scan), false for the account's replies.
	FromUser bool   `json:"from_user"`
	Text     string `json:"text"`
}

// Config returns the app's settings (credentials included: the account centre needs them).
func (a *App) Config() AppConfig { return a.cfg }

func (a *App) now() time.Time { return a.cfg.Now() }

// SetCallbackURL says where pushes go.
func (a *App) SetCallbackURL(u string) {
	a.mu.Lock()
	a.callback = u
	a.mu.Unlock()
}

// CallbackURL returns where pushes go ("" when not yet known).
func (a *App) CallbackURL() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.callback
}

// TokenRequests counts calls to cgi-bin/token for this app.
func (a *App) TokenRequests() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.tokenRequests
}

// FailTemplateSends makes the next template sends fail, one per errcode given (an HTTP status
// 500–599 answers with that status instead of JSON).
func (a *App) FailTemplateSends(errcodes ...int) {
	a.mu.Lock()
	a.failSends = append(a.failSends, errcodes...)
	a.mu.Unlock()
}

// TemplateMessages returns the template messages accepted so far, to openid ("" for all).
func (a *App) TemplateMessages(openid string) []TemplateMessage {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []TemplateMessage
	for _, m := range a.templates {
		if openid == "" || m.ToUser == openid {
			out = append(out, m)
		}
	}
	return out
}

// Follows reports whether openid follows the account.
func (a *App) Follows(openid string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.followers[openid]
}

// OpenIDs lists the users seen so far, in order of appearance.
func (a *App) OpenIDs() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.known...)
}

// Chat returns openid's chat with the account.
func (a *App) Chat(openid string) []ChatLine {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]ChatLine(nil), a.chats[openid]...)
}

func (a *App) note(openid string, fromUser bool, text string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, ok := a.chats[openid]; !ok {
		a.known = append(a.known, openid)
	}
	a.chats[openid] = append(a.chats[openid], ChatLine{At: a.now(), FromUser: fromUser, Text: text})
}

// Event is what a phone makes WeChat push.
type Event struct {
	OpenID     string
	MsgType    string // default "event"
	Event      string // subscribe, SCAN, unsubscribe, …
	EventKey   string
	Ticket     string
	Content    string // for MsgType text
	MsgID      int64  // for messages
	CreateTime time.Time
}

// Push is a signed push ready to be posted: the query string and the body, as WeChat sends them.
type Push struct {
	Query url.Values
	Body  []byte
}

// NewPush builds, signs and (in safe mode) encrypts ev, timestamped now by the app's clock.
func (a *App) NewPush(ev Event) (*Push, error) {
	if ev.MsgType == "" {
		ev.MsgType = "event"
	}
	now := a.now()
	if ev.CreateTime.IsZero() {
		ev.CreateTime = now
	}
	var b strings.Builder
	b.WriteString("<xml>")
	cdata(&b, "ToUserName", a.cfg.OriginalID)
	cdata(&b, "FromUserName", ev.OpenID)
	fmt.Fprintf(&b, "<CreateTime>%d</CreateTime>", ev.CreateTime.Unix())
	cdata(&b, "MsgType", ev.MsgType)
	if ev.MsgType == "event" {
		cdata(&b, "Event", ev.Event)
		if ev.EventKey != "" || ev.Event == "subscribe" || ev.Event == "SCAN" {
			cdata(&b, "EventKey", ev.EventKey)
		}
		if ev.Ticket != "" {
			cdata(&b, "Ticket", ev.Ticket)
		}
	} else {
		if ev.Content != "" {
			cdata(&b, "Content", ev.Content)
		}
		if ev.MsgID != 0 {
			fmt.Fprintf(&b, "<MsgId>%d</MsgId>", ev.MsgID)
		}
	}
	b.WriteString("</xml>")
	plain := []byte(b.String())

	ts := strconv.FormatInt(now.Unix(), 10)
	nonce := strconv.FormatUint(randUint(), 10)
	q := url.Values{
		"signature": {sha1Sorted(a.cfg.Token, ts, nonce)},
		"timestamp": {ts},
		"nonce":     {nonce},
		"openid":    {ev.OpenID},
	}
	if a.cfg.EncodingAESKey == "" {
		return &Push{Query: q, Body: plain}, nil
	}
	random := make([]byte, 16)
	_, _ = rand.Read(random)
	enc, err := util.EncryptMsg(random, plain, a.cfg.AppID, a.cfg.EncodingAESKey)
	if err != nil {
		return nil, err
	}
	q.Set("encrypt_type", "aes")
	q.Set("msg_signature", sha1Sorted(a.cfg.Token, ts, nonce, string(enc)))
	var eb strings.Builder
	eb.WriteString("<xml>")
	cdata(&eb, "ToUserName", a.cfg.OriginalID)
	cdata(&eb, "Encrypt", string(enc))
	eb.WriteString("</xml>")
	return &Push{Query: q, Body: []byte(eb.String())}, nil
}

// Send posts p to the callback URL and returns the text of the reply ("" for none or
// "success") and the HTTP status. The reply is decrypted and its signature checked in safe mode.
func (a *App) Send(ctx context.Context, p *Push) (reply string, status int, err error) {
	cb := a.CallbackURL()
	if cb == "" {
		return "", 0, errors.New("wechat stand-in: no callback URL")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, cb+"?"+p.Query.Encode(), bytes.NewReader(p.Body))
	if err != nil {
		return "", 0, err
	}
	req.Header.Set("Content-Type", "text/xml")
	res, err := a.client.Do(req)
	if err != nil {
		return "", 0, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return "", res.StatusCode, err
	}
	if res.StatusCode != http.StatusOK {
		if len(body) > 0 && res.StatusCode == http.StatusForbidden {
			return "", res.StatusCode, fmt.Errorf("a 403 with a body (%d bytes)", len(body))
		}
		return "", res.StatusCode, nil
	}
	text, err := a.readReply(body, p.Query.Get("openid"))
	return text, res.StatusCode, err
}

type replyXML struct {
	ToUserName   string `xml:"ToUserName"`
	FromUserName string `xml:"FromUserName"`
	MsgType      string `xml:"MsgType"`
	Content      string `xml:"Content"`
	Encrypt      string `xml:"Encrypt"`
	MsgSignature string `xml:"MsgSignature"`
	TimeStamp    string `xml:"TimeStamp"`
	Nonce        string `xml:"Nonce"`
}

// readReply checks a passive reply the way WeChat does.
func (a *App) readReply(body []byte, openid string) (string, error) {
	s := strings.TrimSpace(string(body))
	if s == "" || s == "success" {
		return "", nil
	}
	var r replyXML
	if err := xml.Unmarshal(body, &r); err != nil {
		return "", fmt.Errorf("reply is not XML: %w", err)
	}
	if r.Encrypt != "" {
		if a.cfg.EncodingAESKey == "" {
			return "", errors.New("encrypted reply in plain mode")
		}
		if sha1Sorted(a.cfg.Token, r.TimeStamp, r.Nonce, r.Encrypt) != r.MsgSignature {
			return "", errors.New("reply signature is wrong")
		}
		_, plain, err := util.DecryptMsg(a.cfg.AppID, r.Encrypt, a.cfg.EncodingAESKey)
		if err != nil {
			return "", fmt.Errorf("decrypt reply: %w", err)
		}
		r = replyXML{}
		if err := xml.Unmarshal(plain, &r); err != nil {
			return "", fmt.Errorf("decrypted reply is not XML: %w", err)
		}
	} else if a.cfg.EncodingAESKey != "" {
		return "", errors.New("plain reply in safe mode")
	}
	if r.ToUserName != openid || r.FromUserName != a.cfg.OriginalID {
		return "", fmt.Errorf("reply addressed from %q to %q", r.FromUserName, r.ToUserName)
	}
	if r.MsgType != "text" {
		return "", fmt.Errorf("reply of type %q", r.MsgType)
	}
	return r.Content, nil
}

// Scan is a user scanning the QR code of scene: a subscribe event (EventKey qrscene_<scene>)
// when the user does not follow the account yet, else a SCAN event. It returns the chat reply.
func (a *App) Scan(ctx context.Context, openid, scene string) (string, error) {
	t := a.s.ticketFor(a, scene)
	if t != nil && !t.expires.IsZero() && !a.now().Before(t.expires) {
		return "", ErrQRExpired
	}
	a.mu.Lock()
	follows := a.followers[openid]
	a.followers[openid] = true
	a.mu.Unlock()
	ev := Event{OpenID: openid, Event: "SCAN", EventKey: scene}
	if !follows {
		ev.Event, ev.EventKey = "subscribe", "qrscene_"+scene
	}
	if t != nil {
		ev.Ticket = t.ticket
	}
	a.note(openid, true, "[扫描二维码] "+scene)
	return a.deliver(ctx, ev)
}

// Follow is a user following the account without a QR code (from its profile).
func (a *App) Follow(ctx context.Context, openid string) (string, error) {
	a.mu.Lock()
	a.followers[openid] = true
	a.mu.Unlock()
	a.note(openid, true, "[关注公众号]")
	return a.deliver(ctx, Event{OpenID: openid, Event: "subscribe"})
}

// Unfollow is a user unfollowing the account.
func (a *App) Unfollow(ctx context.Context, openid string) error {
	a.mu.Lock()
	a.followers[openid] = false
	a.mu.Unlock()
	a.note(openid, true, "[取消关注]")
	_, err := a.deliver(ctx, Event{OpenID: openid, Event: "unsubscribe"})
	return err
}

// SendText is a user typing a message to the account.
func (a *App) SendText(ctx context.Context, openid, text string) (string, error) {
	a.note(openid, true, text)
	return a.deliver(ctx, Event{OpenID: openid, MsgType: "text", Content: text, MsgID: int64(randUint())})
}

func (a *App) deliver(ctx context.Context, ev Event) (string, error) {
	p, err := a.NewPush(ev)
	if err != nil {
		return "", err
	}
	reply, status, err := a.Send(ctx, p)
	if err == nil && status != http.StatusOK {
		err = fmt.Errorf("wechat stand-in: callback answered %d", status)
	}
	if err != nil {
		a.note(ev.OpenID, false, "[该公众号暂时无法提供服务，请稍后再试]")
		return "", err
	}
	if reply != "" {
		a.note(ev.OpenID, false, reply)
	}
	return reply, nil
}

func cdata(b *strings.Builder, name, v string) {
	b.WriteString("<" + name + "><![CDATA[")
	b.WriteString(strings.ReplaceAll(v, "]]>", "]]]]><![CDATA[>"))
	b.WriteString("]]></" + name + ">")
}

func sha1Sorted(parts ...string) string {
	p := append([]string(nil), parts...)
	sort.Strings(p)
	h := sha1.Sum([]byte(strings.Join(p, "")))
	return hex.EncodeToString(h[:])
}

func randUint() uint64 {
	var b [8]byte
	_, _ = rand.Read(b[:])
	var v uint64
	for _, x := range b {
		v = v<<8 | uint64(x)
	}
	return v >> 32 // WeChat's nonces are short decimal numbers
}
