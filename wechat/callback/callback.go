// Package callback is the service account's message endpoint (消息推送): the URL WeChat calls
// with events and messages. It is written here rather than taken from the SDK's server, which
// compares signatures with ==, accepts any timestamp, panics on a missing handler and writes
// nothing on error. A push is accepted only with a valid signature (sha1 of the sorted token,
// timestamp and nonce, compared in constant time; in safe mode also msg_signature over the
// encrypted body) and a timestamp within Window of the injected clock; anything else gets a bare
// 403. WeChat retries a push three times when no answer comes within 5 seconds, so each push is
// handled once: the first delivery claims its identity (MsgId, or FromUserName+CreateTime and the
// event) in the store and later ones are answered "success" without effect. The (timestamp,
// nonce) of each accepted push is claimed as well, in every mode: a signed query seen once cannot
// carry another body. With an EncodingAESKey only encrypted pushes are accepted (plaintext
// pushes are signed without their body) unless compatible mode is set, and a push must be
// addressed (ToUserName) to the service account. Replies are passive text messages, encrypted
// when the push was, produced within ReplyWithin.
package callback

import (
	"context"
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/silenceper/wechat/v2/officialaccount/message"
	"github.com/silenceper/wechat/v2/util"

	"jszg/server/clock"
)

// Store remembers the identities of handled pushes for a while.
type Store interface {
	// Claim remembers id until `until` and reports true, unless id is remembered already and
	// not expired at now (false). Of concurrent claims of one id, one alone gets true.
	Claim(ctx context.Context, id string, now, until time.Time) (bool, error)
	// Forget drops id, so that a retry of its push is handled anew.
	Forget(ctx context.Context, id string) error
}

// Defaults.
const (
	// Window is how far a push's timestamp may be from now.
	Window = 5 * time.Minute
	// ReplyWithin leaves a margin under WeChat's 5 seconds (which include the network).
	ReplyWithin = 3 * time.Second
	// remember is how long a push identity is kept: longer than Window on both sides, so that a
	// push replayed while its timestamp is still fresh is always recognised.
	remember = 2*Window + time.Minute
	maxBody  = 64 << 10
)

// Config is the endpoint's part of the service account's settings.
type Config struct {
	AppID          string
	Token          string
	EncodingAESKey string // empty: plain mode only
	// OriginalID is the service account's 原始ID; a push whose ToUserName differs is refused.
	// Empty checks nothing (the server's configuration refuses real WeChat without it).
	OriginalID string
	// Compatible accepts plaintext pushes beside encrypted ones while EncodingAESKey is set.
	Compatible bool
}

// Event is a push as the account centre sees it.
type Event struct {
	OpenID string
	// Type is the event (subscribe, SCAN, unsubscribe, …) for MsgType event, else the MsgType
	// (text, image, …).
	Type string
	// Scene is the QR scene of a subscribe or SCAN event (without the qrscene_ prefix).
	Scene string
	// FirstFollow is true for a subscribe event.
	FirstFollow bool
	CreateTime  time.Time
}

// Event types the account centre acts on.
const (
	Subscribe   = "subscribe"
	Scan        = "SCAN"
	Unsubscribe = "unsubscribe"
)

// Handler handles one event and returns the chat reply ("" for none). An error means the push
// could not be handled: its identity is released so that a retry by WeChat is handled anew.
type Handler func(ctx context.Context, ev Event) (reply string, err error)

// Endpoint handles pushes for one service account.
type Endpoint struct {
	cfg    Config
	aesKey bool
	pushes Store
	clk    clock.Clock
	handle Handler
	log    *slog.Logger
	// BusyReply is sent when the handler fails.
	BusyReply string
}

// New returns the endpoint; the EncodingAESKey, when given, must be WeChat's 43 characters.
func New(cfg Config, pushes Store, clk clock.Clock, handle Handler, log *slog.Logger) (*Endpoint, error) {
	if cfg.Token == "" {
		return nil, errors.New("wechat callback: token is required")
	}
	if cfg.EncodingAESKey != "" {
		if _, err := util.EncryptMsg(make([]byte, 16), []byte("x"), cfg.AppID, cfg.EncodingAESKey); err != nil {
			return nil, fmt.Errorf("wechat callback: EncodingAESKey: %w", err)
		}
	}
	if log == nil {
		log = slog.Default()
	}
	return &Endpoint{cfg: cfg, aesKey: cfg.EncodingAESKey != "", pushes: pushes, clk: clk,
		handle: handle, log: log, BusyReply: "系统繁忙，请稍后重试。"}, nil
}

// Verify answers WeChat's check of the URL (GET with echostr).
func (e *Endpoint) Verify(c *fiber.Ctx) error {
	if !e.authentic(c.Query("signature"), c.Query("timestamp"), c.Query("nonce")) {
		return forbidden(c)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
	return c.SendString(c.Query("echostr"))
}

// inbound is the part of a pushed message the account centre reads.
type inbound struct {
	ToUserName   string `xml:"ToUserName"`
	FromUserName string `xml:"FromUserName"`
	CreateTime   int64  `xml:"CreateTime"`
	MsgType      string `xml:"MsgType"`
	Event        string `xml:"Event"`
	EventKey     string `xml:"EventKey"`
	MsgID        int64  `xml:"MsgId"`
	Encrypt      string `xml:"Encrypt"`
}

// Receive handles a push (POST).
func (e *Endpoint) Receive(c *fiber.Ctx) error {
	ts, nonce := c.Query("timestamp"), c.Query("nonce")
	if !e.authentic(c.Query("signature"), ts, nonce) {
		return forbidden(c)
	}
	body := c.Body()
	if len(body) > maxBody {
		return c.SendStatus(fiber.StatusRequestEntityTooLarge)
	}
	var msg inbound
	if err := xml.Unmarshal(body, &msg); err != nil {
		return c.SendStatus(fiber.StatusBadRequest)
	}
	encrypted := false
	switch c.Query("encrypt_type") {
	case "", "raw":
		// With a key, a plaintext push is signed only over token, timestamp and nonce, never its
		// body: anyone who saw one signature could send any body. Safe mode is encrypted only.
		if e.aesKey && !e.cfg.Compatible {
			return forbidden(c)
		}
	case "aes":
		if !e.aesKey || msg.Encrypt == "" {
			return c.SendStatus(fiber.StatusBadRequest)
		}
		if !equal(sign(e.cfg.Token, ts, nonce, msg.Encrypt), c.Query("msg_signature")) {
			return forbidden(c)
		}
		_, plain, err := util.DecryptMsg(e.cfg.AppID, msg.Encrypt, e.cfg.EncodingAESKey)
		if err != nil {
			return c.SendStatus(fiber.StatusBadRequest)
		}
		outer := msg.ToUserName
		msg = inbound{}
		if err := xml.Unmarshal(plain, &msg); err != nil {
			return c.SendStatus(fiber.StatusBadRequest)
		}
		if outer != "" && outer != msg.ToUserName {
			return forbidden(c)
		}
		encrypted = true
	default:
		return c.SendStatus(fiber.StatusBadRequest)
	}
	if msg.FromUserName == "" || msg.MsgType == "" {
		return c.SendStatus(fiber.StatusBadRequest)
	}
	if e.cfg.OriginalID != "" && msg.ToUserName != e.cfg.OriginalID {
		return forbidden(c)
	}

	ctx, cancel := context.WithTimeout(c.UserContext(), ReplyWithin)
	defer cancel()
	now := e.clk.Now()
	// The (timestamp, nonce) of every accepted push is claimed, encrypted or not: a replayed
	// request, whatever its body, is answered without effect.
	first, err := e.claim(ctx, "nonce|"+ts+"|"+nonce, now)
	if err != nil {
		e.log.Error("wechat push: remember nonce", "err", err)
		return success(c)
	}
	if !first {
		return success(c)
	}
	// WeChat's own advice is FromUserName+CreateTime; a retry repeats the whole message, so the
	// event and its key are added to tell apart two different events of one second.
	id := "event|" + msg.FromUserName + "|" + strconv.FormatInt(msg.CreateTime, 10) + "|" + msg.MsgType + "|" + msg.Event + "|" + msg.EventKey
	if msg.MsgID != 0 {
		id = "msg|" + strconv.FormatInt(msg.MsgID, 10)
	}
	first, err = e.claim(ctx, id, now)
	if err != nil {
		e.log.Error("wechat push: remember", "err", err)
		return success(c)
	}
	if !first {
		return success(c)
	}

	ev := Event{OpenID: msg.FromUserName, Type: msg.MsgType, CreateTime: time.Unix(msg.CreateTime, 0)}
	if msg.MsgType == string(message.MsgTypeEvent) {
		ev.Type = msg.Event
		switch msg.Event {
		case Subscribe:
			ev.FirstFollow = true
			ev.Scene = strings.TrimPrefix(msg.EventKey, "qrscene_")
		case Scan:
			ev.Scene = msg.EventKey
		}
	}
	reply, err := e.handle(ctx, ev)
	if err != nil {
		e.log.Error("wechat push: handle", "event", ev.Type, "err", err)
		// Forget the push so that WeChat's retry is handled anew; after the answer, which
		// must not wait behind a store that is already too slow.
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = e.pushes.Forget(ctx, id)
		}()
		reply = e.BusyReply
	}
	if reply == "" {
		return success(c)
	}
	return e.reply(c, msg, reply, encrypted)
}

// reply writes a passive text reply, encrypted like the push.
func (e *Endpoint) reply(c *fiber.Ctx, to inbound, text string, encrypted bool) error {
	now := e.clk.Now()
	t := message.NewText(text)
	t.SetToUserName(message.CDATA(to.FromUserName))
	t.SetFromUserName(message.CDATA(to.ToUserName))
	t.SetCreateTime(now.Unix())
	t.SetMsgType(message.MsgTypeText)
	out, err := xml.Marshal(t)
	if err != nil {
		return success(c)
	}
	if encrypted {
		random := make([]byte, 16)
		_, _ = rand.Read(random)
		enc, err := util.EncryptMsg(random, out, e.cfg.AppID, e.cfg.EncodingAESKey)
		if err != nil {
			return success(c)
		}
		ts := strconv.FormatInt(now.Unix(), 10)
		nonce := newNonce()
		out, err = xml.Marshal(message.ResponseEncryptedXMLMsg{
			EncryptedMsg: string(enc),
			MsgSignature: sign(e.cfg.Token, ts, nonce, string(enc)),
			Timestamp:    now.Unix(),
			Nonce:        nonce,
		})
		if err != nil {
			return success(c)
		}
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextXMLCharsetUTF8)
	return c.Send(out)
}

// authentic checks the signature and the timestamp's freshness.
func (e *Endpoint) authentic(signature, ts, nonce string) bool {
	ok := equal(sign(e.cfg.Token, ts, nonce), signature)
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return false
	}
	skew := math.Abs(float64(e.clk.Now().Unix() - sec))
	return ok && skew <= Window.Seconds()
}

// claim remembers a push identity; false when it was already seen (and not yet expired).
func (e *Endpoint) claim(ctx context.Context, id string, now time.Time) (bool, error) {
	return e.pushes.Claim(ctx, id, now, now.Add(remember))
}

// sign is WeChat's signature: sha1 of the sorted parts, concatenated, in lower-case hex.
func sign(parts ...string) string {
	p := append([]string(nil), parts...)
	sort.Strings(p)
	h := sha1.New()
	for _, s := range p {
		h.Write([]byte(s))
	}
	return hex.EncodeToString(h.Sum(nil))
}

func equal(want, got string) bool {
	return subtle.ConstantTimeCompare([]byte(want), []byte(got)) == 1
}

// forbidden answers a push that is not from WeChat (or too old) with nothing but the status.
func forbidden(c *fiber.Ctx) error {
	c.Status(fiber.StatusForbidden)
	c.Response().ResetBody()
	return nil
}

func success(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
	return c.SendString("success")
}

func newNonce() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
