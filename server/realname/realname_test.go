package realname_test

import (
	"context"
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
	"jszg/server/realname/faceidfake"
	"jszg/server/store/storetest"
	"jszg/shared/errcode"
)

type env struct {
	flow      *realname.Flow
	authority *faceidfake.Server
	accounts  *account.Accounts
	clk       *clock.Fake
}

// start wires the flow to the real Tencent adapter talking to the stand-in authority, on the
// embedded store, with one account of number doc and name name.
func start(t *testing.T, doc, name string, delay time.Duration) *env {
	t.Helper()
	db := storetest.SQLite(t, t.TempDir())
	fake, err := faceidfake.Start(faceidfake.Config{SecretID: "AKIDtest", SecretKey: "test-key", Delay: delay})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = fake.Close() })
	v, err := realname.NewTencent(realname.TencentConfig{SecretID: "AKIDtest", SecretKey: "test-key", Endpoint: fake.URL, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFake(time.Date(2026, 3, 2, 10, 0, 0, 0, clock.China))
	accounts := account.New(db.Accounts())
	acc := accounttest.Sample("a1", doc, clk.Now())
	acc.Name = name
	if err := accounts.Create(context.Background(), acc); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	return &env{
		flow: &realname.Flow{Accounts: accounts, Verifier: v, Quotas: quota.New(db.Quotas(), clk),
			Audit: audit.New(db.Audit(), clk, log), Clock: clk},
		authority: fake, accounts: accounts, clk: clk,
	}
}

func TestVerifySampleIdentityPasses(t *testing.T) {
	e := start(t, "11010519491231002X", "张三", 0)
	res, err := e.flow.Verify(context.Background(), "a1", "127.0.0.1")
	if err != nil || !res.Verified || res.Remaining != 2 {
		t.Fatalf("verify: %+v, %v; want verified with 2 left", res, err)
	}
	acc, _ := e.accounts.ByID(context.Background(), "a1")
	if acc.RealName != account.RealNameVerified || !realname.Passes(acc) {
		t.Fatalf("state %q after success", acc.RealName)
	}
}

func TestThreeAttemptsPerChinaDay(t *testing.T) {
	ctx := context.Background()
	e := start(t, "44010619920815345X", "陈静", 0) // the authority knows her as 刘静
	for want := 2; want >= 0; want-- {
		res, err := e.flow.Verify(ctx, "a1", "")
		if err != nil || res.Verified || res.Remaining != want {
			t.Fatalf("attempt: %+v, %v; want a mismatch with %d left", res, err, want)
		}
	}
	_, err := e.flow.Verify(ctx, "a1", "")
	if errcode.Of(err) != errcode.RealNameQuota {
		t.Fatalf("fourth attempt: %v, want %s", err, errcode.RealNameQuota)
	}
	if e.authority.Calls() != 3 {
		t.Fatalf("%d calls reached the authority, want 3", e.authority.Calls())
	}
	// Midnight in China gives the attempts back (16:00 UTC).
	e.clk.Set(time.Date(2026, 3, 3, 0, 0, 1, 0, clock.China))
	if st, _ := e.flow.Status(ctx, "a1"); st.Remaining != 3 {
		t.Fatalf("next day %d left, want 3", st.Remaining)
	}
}

func TestFiftyConcurrentVerificationsReachTheAuthorityThreeTimes(t *testing.T) {
	e := start(t, "510104198801014566", "张伟", 0) // no record
	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[errcode.Code]int{}
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := e.flow.Verify(context.Background(), "a1", "")
			mu.Lock()
			codes[errcode.Of(err)]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if e.authority.Calls() != 3 || codes[""] != 3 || codes[errcode.RealNameQuota] != 47 {
		t.Fatalf("authority calls %d, outcomes %v; want 3 answered and 47 refused", e.authority.Calls(), codes)
	}
}

func TestOutageUsesNoAttempt(t *testing.T) {
	ctx := context.Background()
	e := start(t, "11010519491231002X", "张三", 0)
	e.authority.FailNext("InternalError", "内部错误")
	if _, err := e.flow.Verify(ctx, "a1", ""); errcode.Of(err) != errcode.RealNameUnavailable {
		t.Fatalf("provider error: %v, want %s", err, errcode.RealNameUnavailable)
	}
	st, _ := e.flow.Status(ctx, "a1")
	if st.Remaining != 3 || st.State != account.RealNameNone {
		t.Fatalf("after an outage: %+v; want 3 left, unverified", st)
	}
}

func TestAuthorityRecordServiceErrorIsAnOutage(t *testing.T) {
	e := start(t, "330106199506205670", "赵敏", 0)
	if _, err := e.flow.Verify(context.Background(), "a1", ""); errcode.Of(err) != errcode.RealNameUnavailable {
		t.Fatalf("result -4: %v, want %s", err, errcode.RealNameUnavailable)
	}
	if st, _ := e.flow.Status(context.Background(), "a1"); st.Remaining != 3 {
		t.Fatalf("%d left, want 3", st.Remaining)
	}
}

func TestTimeoutIsAnOutage(t *testing.T) {
	e := start(t, "11010519491231002X", "张三", 3*time.Second)
	if _, err := e.flow.Verify(context.Background(), "a1", ""); errcode.Of(err) != errcode.RealNameUnavailable {
		t.Fatalf("slow authority: %v, want %s", err, errcode.RealNameUnavailable)
	}
	if st, _ := e.flow.Status(context.Background(), "a1"); st.Remaining != 3 {
		t.Fatalf("%d left, want 3", st.Remaining)
	}
}

func TestPendingReviewRefusesVerification(t *testing.T) {
	ctx := context.Background()
	e := start(t, "11010519491231002X", "张三", 0)
	if ok, err := e.accounts.SetRealName(ctx, "a1", []string{account.RealNameNone}, account.RealNameReviewPending); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if _, err := e.flow.Verify(ctx, "a1", ""); errcode.Of(err) != errcode.RealNameReviewPending {
		t.Fatalf("pending: %v, want %s", err, errcode.RealNameReviewPending)
	}
	if e.authority.Calls() != 0 {
		t.Fatal("the authority was asked during a pending review")
	}
}

func TestWrongKeyIsAnOutageNotAFailure(t *testing.T) {
	e := start(t, "11010519491231002X", "张三", 0)
	v, _ := realname.NewTencent(realname.TencentConfig{SecretID: "AKIDtest", SecretKey: "wrong", Endpoint: e.authority.URL})
	e.flow.Verifier = v
	if _, err := e.flow.Verify(context.Background(), "a1", ""); errcode.Of(err) != errcode.RealNameUnavailable {
		t.Fatalf("bad signature: %v, want %s", err, errcode.RealNameUnavailable)
	}
	if e.authority.Calls() != 0 {
		t.Fatal("a badly signed call was answered")
	}
}

type staged struct{ applied *realname.Identity }

func (s *staged) Staged(context.Context, string) (*realname.Identity, error) {
	return &realname.Identity{Name: "刘静", ValidFrom: "2015-01-01"}, nil
}
func (s *staged) Apply(_ context.Context, _ string, id realname.Identity) error {
	s.applied = &id
	return nil
}

type legacy struct{ called string }

func (l *legacy) ArchiveLegacyOf(_ context.Context, doc, _ string) error { l.called = doc; return nil }

func TestSuccessCallsTheHooksWithTheStagedIdentity(t *testing.T) {
	e := start(t, "44010619920815345X", "陈静", 0)
	s, l := &staged{}, &legacy{}
	e.flow.Identities, e.flow.Legacy = s, l
	if st, _ := e.flow.Status(context.Background(), "a1"); st.Name != "刘静" {
		t.Fatalf("status shows %q, want the staged name", st.Name)
	}
	res, err := e.flow.Verify(context.Background(), "a1", "")
	if err != nil || !res.Verified {
		t.Fatalf("verify with the staged name: %+v, %v", res, err)
	}
	if s.applied == nil || s.applied.Name != "刘静" || s.applied.DocNumber != "44010619920815345X" || l.called != "44010619920815345X" {
		t.Fatalf("hooks: applied %+v, legacy %q", s.applied, l.called)
	}
}
