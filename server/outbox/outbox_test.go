package outbox_test

import (
	"context"
	"testing"
	"time"

	"jszg/server/clock"
	"jszg/server/outbox"
	"jszg/server/store/storetest"
)

func TestSendCodeKeepsTheSMSAsTheTemplateWordsIt(t *testing.T) {
	st := storetest.Open(t)
	clk := clock.NewFake(time.Date(2026, 5, 1, 10, 0, 0, 0, clock.China))
	o := outbox.New(st.Outbox, clk)
	ctx := context.Background()
	if err := o.SendCode(ctx, "13812345678", "123456", 5); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Minute)
	if err := o.SendCode(ctx, "13812345678", "654321", 5); err != nil {
		t.Fatal(err)
	}
	ms, err := o.List(ctx, "13812345678", 1)
	if err != nil || len(ms) != 1 {
		t.Fatalf("latest: %v, %v", ms, err)
	}
	m := ms[0]
	want := "【中国教师资格网】您的验证码为654321，5分钟内有效。如非本人操作，请忽略本短信。"
	if m.Channel != "sms" || m.Code != "654321" || m.Text != want || !m.SentAt.Equal(clk.Now()) {
		t.Errorf("latest message %+v", m)
	}
}

func TestEmptyListIsAnEmptyList(t *testing.T) {
	st := storetest.Open(t)
	o := outbox.New(st.Outbox, clock.NewFake(time.Date(2026, 5, 1, 10, 0, 0, 0, clock.China)))
	ms, err := o.List(context.Background(), "13900000000", 100)
	if err != nil || ms == nil || len(ms) != 0 {
		t.Fatalf("list of nothing: %#v, %v; want an empty, non-nil list (the JSON page shows [])", ms, err)
	}
}
