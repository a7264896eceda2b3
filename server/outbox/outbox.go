// Package outbox is the local stand-in for the SMS and e-mail providers: instead of reaching a
// phone or a mailbox, a message is kept in the store and shown on the developer page /dev/outbox,
// which exists only while the stand-ins are on. The local run and the tests read codes from it.
package outbox

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"jszg/server/clock"
	"jszg/server/store"
)

const collection = "dev_outbox"

// Message is one message that would have been delivered.
type Message struct {
	Channel string    `bson:"channel" json:"channel"` // sms or email
	To      string    `bson:"to" json:"to"`
	Subject string    `bson:"subject,omitempty" json:"subject,omitempty"`
	Text    string    `bson:"text" json:"text"`
	Code    string    `bson:"code,omitempty" json:"code,omitempty"`
	SentAt  time.Time `bson:"sent_at" json:"sent_at"`
}

// Outbox keeps the messages.
type Outbox struct {
	c   *mongo.Collection
	clk clock.Clock
}

// New returns the outbox kept in st.
func New(st *store.Store, clk clock.Clock) *Outbox {
	return &Outbox{c: st.DB.Collection(collection), clk: clk}
}

// SMSText is the text of a verification-code SMS, as the real template words it.
func SMSText(code string, validMinutes int) string {
	return fmt.Sprintf("【中国教师资格网】您的验证码为%s，%d分钟内有效。如非本人操作，请忽略本短信。", code, validMinutes)
}

// SendCode keeps an SMS with a verification code (it is the stand-in's sms.Sender).
func (o *Outbox) SendCode(ctx context.Context, phone, code string, validMinutes int) error {
	return o.Put(ctx, Message{Channel: "sms", To: phone, Text: SMSText(code, validMinutes), Code: code})
}

// Put keeps a message.
func (o *Outbox) Put(ctx context.Context, m Message) error {
	m.SentAt = o.clk.Now()
	_, err := o.c.InsertOne(ctx, m)
	return err
}

// List returns the newest messages, to one recipient if to is set.
func (o *Outbox) List(ctx context.Context, to string, limit int64) ([]Message, error) {
	filter := bson.M{}
	if to != "" {
		filter["to"] = to
	}
	cur, err := o.c.Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "sent_at", Value: -1}}).SetLimit(limit))
	if err != nil {
		return nil, err
	}
	out := []Message{}
	err = cur.All(ctx, &out)
	return out, err
}
