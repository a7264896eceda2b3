package review_test

import (
	"context"
	"encoding/hex"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"jszg/server/account"
	"jszg/server/account/accounttest"
	"jszg/server/audit"
	"jszg/server/clock"
	"jszg/server/quota"
	"jszg/server/realname"
	"jszg/server/review"
	"jszg/server/store/storetest"
	"jszg/server/workdays"
	"jszg/shared/errcode"
	"jszg/shared/photo"
	"jszg/shared/photo/phototest"
)

type notice struct {
	approved bool
	reason   string
}

type notices struct {
	mu   sync.Mutex
	sent []notice
}

func (n *notices) ReviewDecided(_ context.Context, _ *account.Account, approved bool, reason string) error {
	n.mu.Lock()
	n.sent = append(n.sent, notice{approved, reason})
	n.mu.Unlock()
	return nil
}

type env struct {
	flow     *review.Flow
	accounts *account.Accounts
	auditLog *audit.Log
	clk      *clock.Fake
	notices  *notices
	years    workdays.Store
}

// start wires the flow on the embedded store at Monday 2 March 2026, 10:00 in China, with one
// unverified account a1 (and a2 of another applicant).
func start(t *testing.T) *env {
	t.Helper()
	db := storetest.SQLite(t, t.TempDir())
	clk := clock.NewFake(time.Date(2026, 3, 2, 10, 0, 0, 0, clock.China))
	accounts := account.New(db.Accounts())
	for id, doc := range map[string]string{"a1": "11010519491231002X", "a2": "110105199003071239"} {
		if err := accounts.Create(context.Background(), accounttest.Sample(id, doc, clk.Now())); err != nil {
			t.Fatal(err)
		}
	}
	cal, err := workdays.Open(context.Background(), db.WorkdayYears())
	if err != nil {
		t.Fatal(err)
	}
	sealer, err := review.NewSealer(hex.EncodeToString(make([]byte, 32)))
	if err != nil {
		t.Fatal(err)
	}
	log := audit.New(db.Audit(), clk, slog.New(slog.NewTextHandler(io.Discard, nil)))
	n := &notices{}
	return &env{
		flow: &review.Flow{Store: db.Reviews(), Photos: db.ReviewPhotos(), Sealer: sealer, Accounts: accounts,
			Quotas: quota.New(db.Quotas(), clk), Calendar: cal, Audit: log, Clock: clk, Notifier: n},
		accounts: accounts, auditLog: log, clk: clk, notices: n, years: db.WorkdayYears(),
	}
}

var (
	front   = phototest.Picture(800, 500, 80, false)
	back    = phototest.Picture(800, 500, 75, false)
	holding = phototest.Picture(600, 800, 80, false)
)

func form() review.Submission {
	return review.Submission{
		ValidityTerm: "long", ValidFrom: "2010-01-01", Reason: "实名核验未通过，身份证近期换领",
		Photos: map[string][]byte{photo.FrontSide: front, photo.BackSide: back, photo.HoldingID: holding},
	}
}

func TestSubmitMakesOnePendingApplication(t *testing.T) {
	ctx := context.Background()
	e := start(t)
	sum, err := e.flow.Submit(ctx, "a1", form(), "")
	if err != nil {
		t.Fatal(err)
	}
	// Monday 2 March + 7 working days: 3, 4, 5, 6, 9, 10, 11 March; due at the end of the 11th.
	if want := time.Date(2026, 3, 12, 0, 0, 0, 0, clock.China); !sum.DueAt.Equal(want) || sum.State != review.Pending {
		t.Fatalf("summary %+v; want pending, due %v", sum, want)
	}
	acc, _ := e.accounts.ByID(ctx, "a1")
	if acc.RealName != account.RealNameReviewPending || review.Locked(acc) == nil || realname.Passes(acc) {
		t.Fatalf("account state %q", acc.RealName)
	}
	if _, err := e.flow.Submit(ctx, "a1", form(), ""); errcode.Of(err) != errcode.ReviewPending {
		t.Fatalf("second submission: %v, want %s", err, errcode.ReviewPending)
	}
	// The owner reads a photo, another applicant cannot; a reviewer's read is audited.
	if p, err := e.flow.Photo(ctx, sum.ID, photo.FrontSide, "a1", false, ""); err != nil || !photo.IsJPEG(p) {
		t.Fatalf("owner's photo: %d bytes, %v", len(p), err)
	}
	if _, err := e.flow.Photo(ctx, sum.ID, photo.FrontSide, "a2", false, ""); errcode.Of(err) != errcode.NotFound {
		t.Fatalf("another applicant: %v, want not found", err)
	}
	if _, err := e.flow.Photo(ctx, sum.ID, photo.BackSide, "staff-1", true, ""); err != nil {
		t.Fatal(err)
	}
	recs, _ := e.auditLog.List(ctx, "a1", 0)
	if len(recs) == 0 || recs[0].Event != review.EventPhotoRead || recs[0].Actor != "staff-1" {
		t.Fatalf("reviewer's read not audited: %+v", recs)
	}
}

func TestTwentyConcurrentApplicationsMakeOnePending(t *testing.T) {
	ctx := context.Background()
	e := start(t)
	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[errcode.Code]int{}
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := e.flow.Submit(ctx, "a1", form(), "")
			mu.Lock()
			codes[errcode.Of(err)]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if codes[""] != 1 || codes[errcode.ReviewPending] != 19 {
		t.Fatalf("outcomes %v; want 1 pending and 19 refused", codes)
	}
	st, _ := e.flow.Status(ctx, "a1")
	if st.Remaining != 2 {
		t.Fatalf("%d applications left, want 2: only the winner used one", st.Remaining)
	}
	if list, _ := e.flow.Queue(ctx, 100); len(list) != 1 {
		t.Fatalf("%d applications in the queue, want 1", len(list))
	}
}

func TestThreeApplicationsPerPeriod(t *testing.T) {
	ctx := context.Background()
	e := start(t)
	for i := range 3 {
		sum, err := e.flow.Submit(ctx, "a1", form(), "")
		if err != nil {
			t.Fatalf("application %d: %v", i+1, err)
		}
		if _, err := e.flow.Claim(ctx, sum.ID, "r1"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.flow.Decide(ctx, sum.ID, "r1", false, "照片不清晰，无法识别证件信息"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.flow.Submit(ctx, "a1", form(), ""); errcode.Of(err) != errcode.ReviewQuota {
		t.Fatalf("fourth: %v, want %s", err, errcode.ReviewQuota)
	}
	// 1 September opens the next period.
	e.clk.Set(time.Date(2026, 9, 1, 9, 0, 0, 0, clock.China))
	if _, err := e.flow.Submit(ctx, "a1", form(), ""); err != nil {
		t.Fatalf("new period: %v", err)
	}
	if len(e.notices.sent) != 3 || e.notices.sent[0].approved || e.notices.sent[0].reason == "" {
		t.Fatalf("notices %+v", e.notices.sent)
	}
}

func TestPeriods(t *testing.T) {
	for at, want := range map[string]string{
		"2026-01-01T00:00:00+08:00": "2026-01-01",
		"2026-08-31T23:59:59+08:00": "2026-01-01",
		"2026-09-01T00:00:00+08:00": "2026-09-01",
		"2026-12-31T23:59:59+08:00": "2026-09-01",
		"2026-08-31T16:30:00Z":      "2026-09-01", // already 1 September in China
	} {
		tm, _ := time.Parse(time.RFC3339, at)
		start, end := review.Period(tm)
		if got := start.Format(time.DateOnly); got != want || !end.After(tm) {
			t.Errorf("%s: period from %s to %s, want from %s", at, got, end, want)
		}
	}
}

func TestPhotoRefusalsAtTheirFields(t *testing.T) {
	e := start(t)
	f := form()
	f.Photos[photo.FrontSide] = phototest.Picture(3000, 2000, 95, false)
	f.Photos[photo.BackSide] = phototest.Picture(800, 500, 0, true)
	_, err := e.flow.Submit(context.Background(), "a1", f, "")
	fe, ok := err.(*errcode.FormError)
	if !ok || len(fe.Errors) != 2 || fe.Errors[0].Field != "photo_front" || fe.Errors[0].Code != errcode.PhotoTooLarge ||
		fe.Errors[1].Field != "photo_back" || fe.Errors[1].Code != errcode.PhotoNotJPEG {
		t.Fatalf("refusal %#v", err)
	}
	if st, _ := e.flow.Status(context.Background(), "a1"); st.Remaining != 3 || st.RealNameState != account.RealNameNone {
		t.Fatalf("a refused form used an application: %+v", st)
	}
}

func TestClaimLeaseAndApproval(t *testing.T) {
	ctx := context.Background()
	e := start(t)
	sum, err := e.flow.Submit(ctx, "a1", form(), "")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	won := map[string]bool{}
	for _, r := range []string{"r1", "r2"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := e.flow.Claim(ctx, sum.ID, r); err == nil {
				mu.Lock()
				won[r] = true
				mu.Unlock()
			} else if errcode.Of(err) != errcode.ReviewClaimed {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if len(won) != 1 {
		t.Fatalf("winners %v, want one", won)
	}
	loser := "r2"
	if won["r2"] {
		loser = "r1"
	}
	if _, err := e.flow.Decide(ctx, sum.ID, loser, true, ""); errcode.Of(err) != errcode.ReviewNotClaimed {
		t.Fatalf("decision without the claim: %v", err)
	}
	// The lease runs out; the other reviewer takes the case and approves it.
	e.clk.Advance(review.LeaseTime + time.Second)
	if _, err := e.flow.Claim(ctx, sum.ID, loser); err != nil {
		t.Fatalf("claim after lease expiry: %v", err)
	}
	if _, err := e.flow.Decide(ctx, sum.ID, loser, false, ""); errcode.Of(err) != errcode.RejectReasonRequired {
		t.Fatalf("rejection without a reason: %v", err)
	}
	if _, err := e.flow.Decide(ctx, sum.ID, loser, true, ""); err != nil {
		t.Fatal(err)
	}
	acc, _ := e.accounts.ByID(ctx, "a1")
	if acc.RealName != account.RealNameReviewApproved || !realname.Passes(acc) {
		t.Fatalf("state %q after approval", acc.RealName)
	}
	if len(e.notices.sent) != 1 || !e.notices.sent[0].approved {
		t.Fatalf("notices %+v", e.notices.sent)
	}
	st, err := e.flow.Stats(ctx)
	if err != nil || st.Pending != 0 || st.Decided != 1 || st.MedianHours <= 0 {
		t.Fatalf("stats %+v, %v", st, err)
	}
	if _, err := e.flow.Submit(ctx, "a1", form(), ""); errcode.Of(err) != errcode.ReviewNotNeeded {
		t.Fatalf("application after approval: %v", err)
	}
}

func TestOverdueInTheQueue(t *testing.T) {
	ctx := context.Background()
	e := start(t)
	if _, err := e.flow.Submit(ctx, "a1", form(), ""); err != nil {
		t.Fatal(err)
	}
	e.clk.Set(time.Date(2026, 3, 12, 0, 0, 1, 0, clock.China))
	list, _ := e.flow.Queue(ctx, 10)
	st, _ := e.flow.Stats(ctx)
	if len(list) != 1 || !list[0].Overdue || st.Overdue != 1 {
		t.Fatalf("queue %+v, stats %+v; want one overdue case", list, st)
	}
}

// A due date that runs into a year whose holidays are not published is counted Monday to Friday
// and marked provisional rather than refused; adding the year counts it again, for pending
// applications only, and the year is kept for the next start (another calendar on the store).
func TestDueIntoAnUnpublishedYearIsProvisionalUntilTheYearIsAdded(t *testing.T) {
	ctx := context.Background()
	e := start(t)
	if e.flow.Calendar.Has(2027) {
		t.Skip("2027 is shipped now: move this test to the first year that is not")
	}
	// Monday 28 December 2026: 29, 30, 31 and, by weekdays, Fri 1, Mon 4, 5, 6 January.
	e.clk.Set(time.Date(2026, 12, 28, 10, 0, 0, 0, clock.China))
	sum, err := e.flow.Submit(ctx, "a1", form(), "")
	if err != nil {
		t.Fatalf("a submission into an unpublished year was refused: %v", err)
	}
	if want := time.Date(2027, 1, 7, 0, 0, 0, 0, clock.China); !sum.DueAt.Equal(want) || !sum.DueProvisional {
		t.Fatalf("due %v provisional %v; want %v, provisional", sum.DueAt, sum.DueProvisional, want)
	}
	stats, err := e.flow.Stats(ctx)
	if err != nil || stats.CalendarMissing != 2027 {
		t.Fatalf("stats %+v, %v; want 2027 named as missing", stats, err)
	}
	// a2's application is decided before the year arrives: its date stays as it was.
	if _, err := e.flow.Submit(ctx, "a2", form(), ""); err != nil {
		t.Fatal(err)
	}
	queue, _ := e.flow.Queue(ctx, 10)
	var decided string
	for _, c := range queue {
		if c.ID != sum.ID {
			decided = c.ID
		}
	}
	if _, err := e.flow.Claim(ctx, decided, "rev"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.flow.Decide(ctx, decided, "rev", false, "照片不清晰，无法识别证件信息"); err != nil {
		t.Fatal(err)
	}

	// A test arrangement (not the State Council's): 1 January off.
	if _, err := e.flow.Calendar.Add(ctx, []byte(`{"year":2027,"source":"test","holidays":["2027-01-01"]}`)); err != nil {
		t.Fatal(err)
	}
	n, err := e.flow.Redue(ctx, 2027)
	if err != nil || n != 1 {
		t.Fatalf("recounted %d, %v; want the one pending application", n, err)
	}
	// 29, 30, 31, 4, 5, 6, 7 January: due at the end of the 7th, no longer provisional.
	c, err := e.flow.Case(ctx, sum.ID)
	if want := time.Date(2027, 1, 8, 0, 0, 0, 0, clock.China); err != nil || !c.DueAt.Equal(want) || c.DueProvisional {
		t.Fatalf("after the year: %+v, %v; want due %v, not provisional", c, err, want)
	}
	d, _ := e.flow.Case(ctx, decided)
	if !d.DueProvisional {
		t.Errorf("the decided application's date was recounted: %+v", d)
	}
	if n, _ := e.flow.Redue(ctx, 2027); n != 0 {
		t.Errorf("a second recount changed %d applications", n)
	}
	again, err := workdays.Open(ctx, e.years)
	if err != nil || !again.Has(2027) {
		t.Fatalf("a calendar opened on the same store lacks 2027: %v", err)
	}
	if stats, _ := e.flow.Stats(ctx); stats.CalendarMissing != 0 {
		t.Errorf("stats still name %d as missing", stats.CalendarMissing)
	}
}
