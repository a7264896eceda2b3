package httpapi_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"jszg/server/testenv"
	"jszg/shared/api"
	"jszg/shared/errcode"
)

// staffSignIn signs the first admin in with a fresh TOTP code.
func staffSignIn(t *testing.T, c *client, user, password, secret string, at time.Time) (int, *api.ErrorResponse) {
	t.Helper()
	code, _ := totp.GenerateCode(secret, at)
	var me api.StaffMe
	st, e := c.do("POST", "/api/admin/session", api.StaffSignInRequest{Username: user, Password: password, Code: code}, &me)
	if e == nil {
		c.csrf = me.CSRFToken
	}
	return st, e
}

func TestReviewerConsoleOverHTTP(t *testing.T) {
	env := testenv.Start(t)
	first := env.Server.FirstAdmin
	if first == nil || first.Password == "" || !strings.HasPrefix(first.TOTPURI, "otpauth://totp/") {
		t.Fatalf("no first admin: %+v", first)
	}
	u, _ := url.Parse(first.TOTPURI)
	secret := u.Query().Get("secret")

	// An applicant with a pending review.
	app := newClient(t, env)
	req := sample("13800000012")
	app.register(req)
	app.signIn(req.DocNumber, req.Password)
	if st, e, _ := app.submitReview(photoBytes(640, 400, false)); e != nil {
		t.Fatalf("submit: %d %+v", st, e)
	}

	adm := newClient(t, env)
	if st, e := adm.do("GET", "/api/admin/reviews", nil, nil); st != http.StatusUnauthorized {
		t.Fatalf("queue without a session: %d %+v", st, e)
	}
	// An applicant's session is not a staff session.
	if st, _ := app.do("GET", "/api/admin/reviews", nil, nil); st != http.StatusUnauthorized {
		t.Fatalf("queue with an applicant's session: %d", st)
	}
	if st, e := staffSignIn(t, adm, "admin", first.Password, secret, time.Now()); e != nil {
		t.Fatalf("staff sign in: %d %+v", st, e)
	}
	if st, _ := adm.do("GET", "/api/admin/reviews", nil, nil); st != http.StatusForbidden {
		t.Fatalf("work before changing the one-time password: %d", st)
	}
	if st, e := adm.do("POST", "/api/admin/password", api.StaffPasswordChange{OldPassword: first.Password, Password: "correct horse battery"}, nil); e != nil {
		t.Fatalf("change password: %d %+v", st, e)
	}
	var queue []api.ReviewCase
	if st, e := adm.do("GET", "/api/admin/reviews", nil, &queue); e != nil || len(queue) != 1 {
		t.Fatalf("queue: %d %+v %v", st, e, queue)
	}
	id := queue[0].ID
	var rc api.ReviewCase
	if st, e := adm.do("POST", "/api/admin/reviews/"+id+"/claim", struct{}{}, &rc); e != nil || rc.ClaimedBy != "admin" || rc.Account == nil {
		t.Fatalf("claim: %d %+v %+v", st, e, rc)
	}
	resp, err := adm.http.Get(env.URL + "/api/admin/reviews/" + id + "/photos/holding")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("photo: %v %v", resp, err)
	}
	resp.Body.Close()

	// A second reviewer, made by the admin, cannot take the claimed case.
	var nr api.NewStaffResponse
	if st, e := adm.do("POST", "/api/admin/staff", api.NewStaffRequest{Username: "li", Role: "reviewer"}, &nr); e != nil {
		t.Fatalf("new reviewer: %d %+v", st, e)
	}
	rv := newClient(t, env)
	u2, _ := url.Parse(nr.TOTPURI)
	if st, e := staffSignIn(t, rv, "li", nr.Password, u2.Query().Get("secret"), time.Now()); e != nil {
		t.Fatalf("reviewer sign in: %d %+v", st, e)
	}
	rv.do("POST", "/api/admin/password", api.StaffPasswordChange{OldPassword: nr.Password, Password: "another long passphrase"}, nil)
	if st, e := rv.do("POST", "/api/admin/reviews/"+id+"/claim", struct{}{}, nil); st != http.StatusConflict || e.Code != errcode.ReviewClaimed {
		t.Fatalf("second claim: %d %+v", st, e)
	}
	if st, _ := rv.do("GET", "/api/admin/audit", nil, nil); st != http.StatusForbidden {
		t.Fatalf("a reviewer read the audit log: %d", st)
	}

	if st, e := adm.do("POST", "/api/admin/staff/"+nr.Member.ID+"/disabled", api.StaffDisable{Disabled: true}, nil); e != nil {
		t.Fatalf("disable reviewer: %d %+v", st, e)
	}
	if st, _ := rv.do("GET", "/api/admin/reviews", nil, nil); st != http.StatusUnauthorized {
		t.Fatalf("a disabled reviewer still works: %d", st)
	}
	if st, e := adm.do("POST", "/api/admin/reviews/"+id+"/decision", api.ReviewDecision{Approve: true}, &rc); e != nil || rc.State != "approved" {
		t.Fatalf("approve: %d %+v %+v", st, e, rc)
	}
	var me api.Me
	app.do("GET", "/api/me", nil, &me)
	if me.RealNameState != "review_approved" {
		t.Fatalf("applicant's state %q", me.RealNameState)
	}
	if st, e := app.do("GET", "/api/me/entries/certification", nil, nil); e != nil {
		t.Fatalf("gate after approval: %d %+v", st, e)
	}
	msgs, _ := env.Outbox("13800000012")
	if len(msgs) == 0 || !strings.Contains(msgs[0].Text, "通过") {
		t.Fatalf("no notice by SMS: %+v", msgs)
	}
	var audit []api.AuditRecord
	adm.do("GET", "/api/admin/audit", nil, &audit)
	seen := map[string]bool{}
	for _, r := range audit {
		seen[r.Event] = true
	}
	for _, ev := range []string{"review_submitted", "review_claimed", "review_photo_read", "review_approved", "staff_signed_in"} {
		if !seen[ev] {
			t.Errorf("audit log lacks %s", ev)
		}
	}
	var stats api.ReviewStats
	if adm.do("GET", "/api/admin/stats", nil, &stats); stats.Decided != 1 || stats.Pending != 0 {
		t.Fatalf("stats %+v", stats)
	}
	if st, e := adm.do("POST", "/api/admin/accounts/contact", api.ContactCorrection{DocNumber: req.DocNumber, Phone: "13900000012", Email: "new@example.com"}, nil); e != nil {
		t.Fatalf("contact correction: %d %+v", st, e)
	}
	if msgs, _ := env.Outbox("13800000012"); len(msgs) < 2 || !strings.Contains(msgs[0].Text, "更正") {
		t.Fatalf("the applicant was not told of the correction: %+v", msgs)
	}
	var wy api.WorkdaysYear
	if st, e := adm.do("POST", "/api/admin/workdays", map[string]any{"year": 2031, "holidays": []string{"2031-01-01"}}, &wy); e != nil || wy.Year != 2031 {
		t.Fatalf("load a year: %d %+v", st, e)
	}
	// The year is kept in the store: after a restart the calendar has it, beside one added then.
	env = env.Restart()
	adm.env = env
	if st, e := adm.do("POST", "/api/admin/workdays", map[string]any{"year": 2032, "holidays": []string{"2032-01-01"}}, &wy); e != nil ||
		!slices.Contains(wy.Years, 2031) || !slices.Contains(wy.Years, 2032) {
		t.Fatalf("after a restart: %d %+v, years %v; want 2031 kept and 2032 added", st, e, wy.Years)
	}
	// A file that is not an arrangement is refused at its code and changes nothing.
	if st, e := adm.do("POST", "/api/admin/workdays", map[string]any{"year": 2033, "workdays": []string{"2033-01-03"}}, nil); st != http.StatusBadRequest || e == nil || e.Code != errcode.WorkdaysInvalid {
		t.Fatalf("a weekday as a make-up working day: %d %+v; want 400 %s", st, e, errcode.WorkdaysInvalid)
	}
}
