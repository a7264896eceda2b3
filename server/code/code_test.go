package code_test

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"jszg/server/clock"
	"jszg/server/code"
	"jszg/server/quota"
	"jszg/server/store"
	"jszg/server/store/storetest"
	"jszg/shared/errcode"
)

func newService(t *testing.T) (*code.Service, *clock.Fake) {
	t.Helper()
	st := storetest.Open(t)
	// Half past a minute, so that tests stepping by minutes never cross an hour by accident.
	clk := clock.NewFake(time.Date(2026, 3, 2, 9, 10, 30, 0, clock.China))
	return code.New(st.Codes, clk, quota.New(st.Quotas, clk), []byte("test secret")), clk
}

var phone = code.Key{Channel: code.ChannelSMS, To: "13812345678", Purpose: "register"}

func TestRightCodeWorksOnce(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	c, err := s.Issue(ctx, phone, "203.0.113.1")
	if err != nil {
		t.Fatal(err)
	}
	if len(c) != 6 {
		t.Fatalf("code %q is not 6 digits", c)
	}
	if err := s.Verify(ctx, phone, c); err != nil {
		t.Fatalf("first use: %v", err)
	}
	if got := errcode.Of(s.Verify(ctx, phone, c)); got != errcode.CodeExpired {
		t.Fatalf("second use: %v, want code_expired", got)
	}
}

func TestCodeExpiresAfterFiveMinutes(t *testing.T) {
	s, clk := newService(t)
	ctx := context.Background()
	c, _ := s.Issue(ctx, phone, "")
	clk.Advance(code.TTL)
	if got := errcode.Of(s.Verify(ctx, phone, c)); got != errcode.CodeExpired {
		t.Fatalf("at 5 minutes: %v, want code_expired", got)
	}
}

func TestCodeIsBoundToItsDestinationAndPurpose(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	c, _ := s.Issue(ctx, phone, "")
	other := phone
	other.To = "13912345678"
	if got := errcode.Of(s.Verify(ctx, other, c)); got != errcode.CodeInvalid {
		t.Fatalf("other phone: %v", got)
	}
	reset := phone
	reset.Purpose = "reset"
	if got := errcode.Of(s.Verify(ctx, reset, c)); got != errcode.CodeInvalid {
		t.Fatalf("other purpose: %v", got)
	}
}

func TestFiftyWrongCodesCountAtMostFive(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	right, _ := s.Issue(ctx, phone, "")
	wrong := "000000"
	if right == wrong {
		wrong = "000001"
	}
	var invalid, exhausted atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			switch got := errcode.Of(s.Verify(ctx, phone, wrong)); got {
			case errcode.CodeInvalid:
				invalid.Add(1)
			case errcode.CodeTooManyAttempts:
				exhausted.Add(1)
			default:
				t.Errorf("unexpected %q", got)
			}
		}()
	}
	wg.Wait()
	if invalid.Load() != code.MaxAttempts || exhausted.Load() != 50-code.MaxAttempts {
		t.Fatalf("%d counted wrong, %d refused; want %d and %d", invalid.Load(), exhausted.Load(), code.MaxAttempts, 50-code.MaxAttempts)
	}
	if got := errcode.Of(s.Verify(ctx, phone, right)); got != errcode.CodeTooManyAttempts {
		t.Fatalf("right code after 5 wrong: %v, want code_too_many_attempts", got)
	}
}

func TestCodeUsedTwiceConcurrentlySucceedsOnce(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	c, _ := s.Issue(ctx, phone, "")
	var ok atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if s.Verify(ctx, phone, c) == nil {
				ok.Add(1)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != 1 {
		t.Fatalf("%d successes, want 1", ok.Load())
	}
}

func TestTwentyConcurrentSendsGiveOneCode(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	var sent, limited atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.Issue(ctx, phone, "203.0.113.1")
			var rl *code.RateLimited
			switch {
			case err == nil:
				sent.Add(1)
			case errors.As(err, &rl):
				limited.Add(1)
				if rl.RetryAfter <= 0 || rl.RetryAfter > time.Minute {
					t.Errorf("retry after %s", rl.RetryAfter)
				}
			default:
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if sent.Load() != 1 || limited.Load() != 19 {
		t.Fatalf("sent %d limited %d, want 1 and 19", sent.Load(), limited.Load())
	}
}

func TestSendLimitsPerMinuteHourAndDay(t *testing.T) {
	s, clk := newService(t)
	ctx := context.Background()
	var rl *code.RateLimited
	// One a minute.
	if _, err := s.Issue(ctx, phone, ""); err != nil {
		t.Fatal(err)
	}
	clk.Advance(59 * time.Second)
	if _, err := s.Issue(ctx, phone, ""); !errors.As(err, &rl) {
		t.Fatalf("59 s later: %v, want rate limited", err)
	}
	// Five an hour: four more, a minute apart, then the sixth in the same hour is refused.
	for i := 0; i < 4; i++ {
		clk.Advance(time.Minute)
		if _, err := s.Issue(ctx, phone, ""); err != nil {
			t.Fatalf("send %d: %v", i+2, err)
		}
	}
	clk.Advance(time.Minute)
	if _, err := s.Issue(ctx, phone, ""); !errors.As(err, &rl) {
		t.Fatalf("sixth in the hour: %v, want rate limited", err)
	}
	// Ten a day: five more in the next hour, then the eleventh is refused even in a new hour.
	clk.Advance(time.Hour)
	for i := 0; i < 5; i++ {
		clk.Advance(time.Minute)
		if _, err := s.Issue(ctx, phone, ""); err != nil {
			t.Fatalf("second hour send %d: %v", i+1, err)
		}
	}
	clk.Advance(time.Hour)
	if _, err := s.Issue(ctx, phone, ""); !errors.As(err, &rl) {
		t.Fatalf("eleventh in the day: %v, want rate limited", err)
	}
	// The next China day starts afresh.
	clk.Set(time.Date(2026, 3, 3, 0, 0, 30, 0, clock.China))
	if _, err := s.Issue(ctx, phone, ""); err != nil {
		t.Fatalf("next day: %v", err)
	}
}

func TestClientAddressCap(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	for i := 0; i < code.AddrPerHour.Max; i++ {
		k := code.Key{Channel: code.ChannelSMS, To: "1390000" + pad4(i), Purpose: "register"}
		if _, err := s.Issue(ctx, k, "198.51.100.7"); err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
	}
	k := code.Key{Channel: code.ChannelSMS, To: "13899999999", Purpose: "register"}
	var rl *code.RateLimited
	if _, err := s.Issue(ctx, k, "198.51.100.7"); !errors.As(err, &rl) {
		t.Fatalf("over the address cap: %v", err)
	}
	// The refused send did not use up that phone's own quota.
	if _, err := s.Issue(ctx, k, "198.51.100.8"); err != nil {
		t.Fatalf("same phone from another address: %v", err)
	}
}

func pad4(i int) string {
	b := []byte("0000")
	for p := 3; p >= 0 && i > 0; p-- {
		b[p] = byte('0' + i%10)
		i /= 10
	}
	return string(b)
}

func TestCodesAreStoredOnlyAsKeyedHashes(t *testing.T) {
	st := storetest.Open(t)
	clk := clock.NewFake(time.Date(2026, 3, 2, 9, 10, 30, 0, clock.China))
	s := code.New(st.Codes, clk, quota.New(st.Quotas, clk), []byte("k1"))
	ctx := context.Background()
	c, err := s.Issue(ctx, phone, "")
	if err != nil {
		t.Fatal(err)
	}
	n, _ := strconv.ParseInt(c, 10, 64)
	rows := storedCodes(t, st)
	if len(rows) != 1 {
		t.Fatalf("stored codes %v, want one", rows)
	}
	if h, _ := rows[0]["hash"].(string); len(h) != 64 {
		t.Fatalf("stored hash %q, want an HMAC-SHA256 in hex", h)
	}
	// Every field but the key (which holds the phone, not the code) is read as stored.
	for name, v := range rows[0] {
		switch v := v.(type) {
		case string:
			if strings.Contains(v, c) {
				t.Errorf("stored field %s = %q holds the code %s in clear", name, v, c)
			}
		case int64:
			if v == n && v != 0 { // 0 is also "no attempts" and "not used"
				t.Errorf("stored field %s = %d is the code", name, v)
			}
		}
	}
	// Another secret cannot verify it.
	other := code.New(st.Codes, clk, quota.New(st.Quotas, clk), []byte("k2"))
	if got := errcode.Of(other.Verify(ctx, phone, c)); got != errcode.CodeInvalid {
		t.Fatalf("verify with another key: %v", got)
	}
}

// storedCodes reads the codes as the engine keeps them, bypassing the store: every column of the
// SQLite table or field of the MongoDB documents except the key, strings as strings and numbers
// as int64.
func storedCodes(t *testing.T, st *store.Stores) []map[string]any {
	t.Helper()
	ctx := context.Background()
	var out []map[string]any
	if st.SQLite != nil {
		db, err := sql.Open("sqlite", "file:"+st.SQLite.Path()+"?mode=ro")
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		rows, err := db.QueryContext(ctx, "SELECT * FROM codes")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			row := map[string]any{}
			for i, col := range cols {
				if col != "id" {
					row[col] = vals[i]
				}
			}
			out = append(out, row)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return out
	}
	cur, err := st.Mongo.DB.Collection("codes").Find(ctx, map[string]any{})
	if err != nil {
		t.Fatal(err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		elems, err := cur.Current.Elements()
		if err != nil {
			t.Fatal(err)
		}
		row := map[string]any{}
		for _, e := range elems {
			v := e.Value()
			if e.Key() == "_id" {
				continue
			}
			if s, ok := v.StringValueOK(); ok {
				row[e.Key()] = s
			} else if i, ok := v.Int32OK(); ok {
				row[e.Key()] = int64(i)
			} else if i, ok := v.Int64OK(); ok {
				row[e.Key()] = i
			} else {
				row[e.Key()] = v // dates and booleans cannot hold the digits
			}
		}
		out = append(out, row)
	}
	return out
}

func TestARefusedSendKeepsTheEarlierCode(t *testing.T) {
	s, clk := newService(t)
	ctx := context.Background()
	var last string
	for i := 0; i < code.PerHour.Max; i++ {
		c, err := s.Issue(ctx, phone, "")
		if err != nil {
			t.Fatal(err)
		}
		last = c
		clk.Advance(time.Minute)
	}
	var rl *code.RateLimited
	if _, err := s.Issue(ctx, phone, ""); !errors.As(err, &rl) {
		t.Fatalf("over the hourly limit: %v", err)
	}
	if err := s.Verify(ctx, phone, last); err != nil {
		t.Fatalf("the code sent before the refusal: %v", err)
	}
}
