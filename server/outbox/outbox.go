// Package outbox is the local stand-in for the SMS and e-mail providers: instead of reaching a
// phone or a mailbox, a message is kept in the database (Store) and shown on the developer page /dev/outbox,
// which exists only while the stand-ins are on. The local run and the tests read codes from it.
package outbox

import (
	"context"
	"fmt"
	"time"

	"jszg/server/clock"
)

// Message is one message that would have been delivered.
type Message struct {
	Channel string    `json:"channel"` // sms or email
	To      string    `json:"to"`
	Subject string    `json:"subject,omitempty"`
	Text    string    `json:"text"`
	Code    string    `json:"code,omitempty"`
	SentAt  time.Time `json:"sent_at"`
}

// Store keeps the messages; nothing changes or removes one.
type Store interface {
	// Put keeps a message, its time kept to the millisecond.
	Put(ctx context.Context, m Message) error
	// List returns at most limit messages (all when limit <= 0), to one recipient when to is
	// set, newest first: by SentAt, and of messages at the same instant the later put first.
	List(ctx context.Context, to string, limit int64) ([]Message, error)
}

// Outbox keeps the messages.
type Outbox struct {
	st  Store
	clk clock.Clock
}

// New returns the outbox kept in st.
func New(st Store, clk clock.Clock) *Outbox {
	return &Outbox{st: st, clk: clk}
}

// SMSText is the text of a verification-code SMS, as the real template words it.
func SMSText(code string, validMinutes int) string {
	return fmt.Sprintf("【中国教师资格网】您的验证码为%s，%d分钟内有效。如非本人操作，请忽略本短信。", code, validMinutes)
}

// NoticeText is the text of an account-notice SMS, as the real notice template words it.
func NoticeText(what, when string) string {
	return fmt.Sprintf("【中国教师资格网】您的账号于%s%s。如非本人操作，请立即通过“忘记密码”重置密码。", when, what)
}

// SendCode keeps an SMS with a verification code (it is the stand-in's sms.Sender).
func (o *Outbox) SendCode(ctx context.Context, phone, code string, validMinutes int) error {
	return o.Put(ctx, Message{Channel: "sms", To: phone, Text: SMSText(code, validMinutes), Code: code})
}

// Put keeps a message.
func (o *Outbox) Put(ctx context.Context, m Message) error {
	m.SentAt = o.clk.Now()
	return o.st.Put(ctx, m)
}

// List returns the newest messages, to one recipient if to is set.
func (o *Outbox) List(ctx context.Context, to string, limit int64) ([]Message, error) {
	out, err := o.st.List(ctx, to, limit)
	if out == nil && err == nil {
		out = []Message{} // the JSON page shows [], not null
	}
	return out, err
}
