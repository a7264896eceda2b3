// Package review is the 人工审核 flow: an applicant whose real-name verification cannot pass
// sends three ID photos and the validity dates, a reviewer decides within 7 working days. An
// account has three applications in each period (1 January–31 August, 1 September–31
// December), counted in the database; while one is pending the account can neither verify nor
// edit its identity. Photos are checked by the shared rules and by libvips (Normalise), stored
// encrypted (Sealer) apart from the applications (PhotoStore), and read only by their owner and
// by reviewers, each reviewer's read audited. Reviewers claim a case with a lease, so two never
// work one case, and a lease that runs out frees it.
package review

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"jszg/server/account"
	"jszg/server/audit"
	"jszg/server/clock"
	"jszg/server/quota"
	"jszg/server/workdays"
	"jszg/shared/api"
	"jszg/shared/contact"
	"jszg/shared/document"
	"jszg/shared/errcode"
	"jszg/shared/photo"
	"jszg/shared/validator"
)

// Rules of the flow.
const (
	DueWorkdays  = 7
	LeaseTime    = 30 * time.Minute
	MaxReasonLen = 200
)

// PerPeriod is the applications an account may submit in one period.
var PerPeriod = quota.Limit{Name: "review_period", Max: 3, Window: Period}

// Period is the review period of t in China time: 1 January–31 August or 1 September–31 December.
func Period(t time.Time) (time.Time, time.Time) {
	c := t.In(clock.China)
	y := c.Year()
	sep := time.Date(y, time.September, 1, 0, 0, 0, 0, clock.China)
	if c.Before(sep) {
		return time.Date(y, time.January, 1, 0, 0, 0, 0, clock.China), sep
	}
	return sep, time.Date(y+1, time.January, 1, 0, 0, 0, 0, clock.China)
}

// Application is one submitted manual review.
type Application struct {
	ID        string `bson:"_id"`
	AccountID string `bson:"account_id"`
	State     string `bson:"state"`
	// The identity as the account held it at submission, and the validity the applicant gave.
	DocType      string    `bson:"doc_type"`
	DocNumber    string    `bson:"doc_number"`
	Name         string    `bson:"name"`
	ValidityTerm string    `bson:"validity_term"`
	ValidFrom    string    `bson:"valid_from"`
	ValidUntil   string    `bson:"valid_until"`
	Reason       string    `bson:"reason"`
	SubmittedAt  time.Time `bson:"submitted_at"`
	DueAt        time.Time `bson:"due_at"`
	// DueProvisional: DueAt was counted over a year whose holidays were not loaded yet.
	DueProvisional bool      `bson:"due_provisional"`
	ClaimedBy      string    `bson:"claimed_by"`
	LeaseUntil     time.Time `bson:"lease_until"`
	DecidedBy      string    `bson:"decided_by"`
	DecidedAt      time.Time `bson:"decided_at"`
	Decision       string    `bson:"decision_reason"` // the rejection's reason
}

// PhotoID names a stored photo of an application.
func PhotoID(appID, kind string) string { return appID + "." + kind }

// ErrNotFound: no such application (or none of the account).
var ErrNotFound = errors.New("review application not found")

// Store keeps the applications. Claim and Decide are single conditional updates.
type Store interface {
	Create(ctx context.Context, a *Application) error
	ByID(ctx context.Context, id string) (*Application, error)
	// Latest is the account's newest application; ErrNotFound.
	Latest(ctx context.Context, accountID string) (*Application, error)
	// Pending lists pending applications, earliest due first, at most limit.
	Pending(ctx context.Context, limit int) ([]*Application, error)
	// Claim gives a pending application to reviewer until `until`, if nobody else holds a lease
	// that runs past now; it reports whether it did.
	Claim(ctx context.Context, id, reviewer string, now, until time.Time) (bool, error)
	// Decide moves a pending application claimed by reviewer, whose lease runs past now, to
	// state `to` with the reason; it reports whether it did.
	Decide(ctx context.Context, id, reviewer, to, reason string, now time.Time) (bool, error)
	// Decided lists applications decided at or after since, newest first, at most limit.
	Decided(ctx context.Context, since time.Time, limit int) ([]*Application, error)
	// PendingDueFrom lists pending applications due at or after from, earliest due first (then
	// by id), at most limit, after the application `after` of that order ("" from the start).
	PendingDueFrom(ctx context.Context, from time.Time, after string, limit int) ([]*Application, error)
	// SetDue changes a pending application's due time; it reports whether it did.
	SetDue(ctx context.Context, id string, due time.Time, provisional bool) (bool, error)
}

// PhotoStore keeps the sealed photos, apart from the applications.
type PhotoStore interface {
	Put(ctx context.Context, id string, sealed []byte) error
	// Get returns a photo; ErrNotFound.
	Get(ctx context.Context, id string) ([]byte, error)
}

// Notifier tells an applicant of a decision (WeChat template message when bound, else SMS).
type Notifier interface {
	ReviewDecided(ctx context.Context, acc *account.Account, approved bool, reason string) error
}

// Approval is the hook that applies the validity dates of an approved review to the account
// (the personal centre's identity changes); nil does nothing.
type Approval interface {
	ApplyReviewed(ctx context.Context, accountID string, a *Application) error
}

// Flow runs manual reviews.
type Flow struct {
	Store    Store
	Photos   PhotoStore
	Sealer   *Sealer
	Accounts *account.Accounts
	Quotas   *quota.Quotas
	Calendar *workdays.Calendar
	Audit    *audit.Log
	Clock    clock.Clock
	Notifier Notifier // optional
	Approval Approval // optional
}

// Audit events.
const (
	EventSubmitted  = "review_submitted"
	EventClaimed    = "review_claimed"
	EventApproved   = "review_approved"
	EventRejected   = "review_rejected"
	EventPhotoRead  = "review_photo_read"
	EventNoticeLost = "review_notice_failed"
)

// Submission is the form: the validity and the reason as text, the photos as uploaded bytes.
type Submission struct {
	ValidityTerm, ValidFrom, ValidUntil, Reason string
	Photos                                      map[string][]byte // by photo.Kinds
}

// Status is the 人工审核 page's state: applications left this period and the latest one.
func (f *Flow) Status(ctx context.Context, accountID string) (*api.ReviewStatus, error) {
	acc, err := f.Accounts.ByID(ctx, accountID)
	if err != nil {
		return nil, err
	}
	left, err := f.Quotas.Remaining(ctx, key(accountID), PerPeriod)
	if err != nil {
		return nil, err
	}
	st := &api.ReviewStatus{
		RealNameState: acc.RealName, Remaining: left, DocType: acc.DocType,
		DocNumber: contact.MaskDocNumber(acc.DocNumber), Name: contact.MaskName(acc.Name),
		ValidityTerm: acc.ValidityTerm, ValidFrom: acc.ValidFrom, ValidUntil: acc.ValidUntil,
	}
	last, err := f.Store.Latest(ctx, accountID)
	switch {
	case errors.Is(err, ErrNotFound):
	case err != nil:
		return nil, err
	default:
		st.Latest = summary(last)
	}
	return st, nil
}

func summary(a *Application) *api.ReviewSummary {
	s := &api.ReviewSummary{ID: a.ID, State: a.State, SubmittedAt: a.SubmittedAt, DueAt: a.DueAt,
		DueProvisional: a.DueProvisional, Reason: a.Decision}
	if !a.DecidedAt.IsZero() {
		t := a.DecidedAt
		s.DecidedAt = &t
	}
	return s
}

// Submit checks the form and the photos and, within the period's quota, makes the application
// pending. Refusals are *errcode.Error or *errcode.FormError.
func (f *Flow) Submit(ctx context.Context, accountID string, sub Submission, addr string) (*api.ReviewSummary, error) {
	acc, err := f.Accounts.ByID(ctx, accountID)
	if err != nil {
		return nil, err
	}
	if err := stateRefusal(acc.RealName); err != nil {
		return nil, err
	}
	now := f.Clock.Now()
	if errs := f.checkForm(acc, sub, now); len(errs) > 0 {
		return nil, &errcode.FormError{Errors: errs}
	}
	clean := map[string][]byte{}
	var photoErrs []*errcode.Error
	for _, kind := range photo.Kinds {
		out, _, err := Normalise(sub.Photos[kind])
		if err != nil {
			var e *errcode.Error
			if errors.As(err, &e) {
				photoErrs = append(photoErrs, errcode.AtField("photo_"+kind, e.Code))
				continue
			}
			return nil, err
		}
		clean[kind] = out
	}
	if len(photoErrs) > 0 {
		return nil, &errcode.FormError{Errors: photoErrs}
	}
	due, provisional, err := f.Calendar.Due(ctx, now, DueWorkdays)
	if err != nil {
		return nil, err
	}
	// The account moves to pending first: of concurrent submissions exactly one does, and only
	// it takes an application of the period (a loser is told a review is pending, not that its
	// quota is gone).
	ok, err := f.Accounts.SetRealName(ctx, acc.ID, []string{account.RealNameNone}, account.RealNameReviewPending)
	if err != nil {
		return nil, err
	}
	if !ok {
		if cur, err := f.Accounts.ByID(ctx, acc.ID); err == nil {
			if r := stateRefusal(cur.RealName); r != nil {
				return nil, r
			}
		}
		return nil, errcode.New(errcode.ReviewPending)
	}
	back := func() {
		_, _ = f.Accounts.SetRealName(context.WithoutCancel(ctx), acc.ID, []string{account.RealNameReviewPending}, account.RealNameNone)
	}
	grant, err := f.Quotas.Take(ctx, key(accountID), PerPeriod)
	if err != nil {
		back()
		return nil, quota.Refusal(err, errcode.ReviewQuota)
	}
	app := &Application{
		ID: account.NewID(), AccountID: acc.ID, State: Pending,
		DocType: acc.DocType, DocNumber: acc.DocNumber, Name: acc.Name,
		ValidityTerm: sub.ValidityTerm, ValidFrom: sub.ValidFrom, ValidUntil: sub.ValidUntil,
		Reason: strings.TrimSpace(sub.Reason), SubmittedAt: now.UTC().Truncate(time.Millisecond), DueAt: due.UTC(),
		DueProvisional: provisional,
	}
	undo := func(err error) error {
		back()
		grant.Release(ctx)
		return err
	}
	for kind, data := range clean {
		id := PhotoID(app.ID, kind)
		if err := f.Photos.Put(ctx, id, f.Sealer.Seal(id, data)); err != nil {
			return nil, undo(fmt.Errorf("store photo: %w", err))
		}
	}
	if err := f.Store.Create(ctx, app); err != nil {
		return nil, undo(fmt.Errorf("store application: %w", err))
	}
	f.Audit.Add(ctx, audit.Record{Event: EventSubmitted, AccountID: acc.ID, Subject: contact.MaskDocNumber(acc.DocNumber), Addr: addr,
		Detail: map[string]string{"application": app.ID, "due_provisional": fmt.Sprint(provisional)}})
	return summary(app), nil
}

// calendarMissing is the year whose holidays are needed and not loaded: this year, or from
// November (the month the State Council's notice usually comes out) the next.
func (f *Flow) calendarMissing(ctx context.Context, now time.Time) int {
	d := now.In(clock.China)
	need := []int{d.Year()}
	if d.Month() >= time.November {
		need = append(need, d.Year()+1)
	}
	for _, y := range need {
		if !f.Calendar.Has(y) {
			_ = f.Calendar.Refresh(ctx) // another instance may have added it
			if !f.Calendar.Has(y) {
				return y
			}
		}
	}
	return 0
}

// Redue counts the due dates of pending applications again after the arrangement of year was
// added: those due from the December before it on (a year's holidays may begin then), which
// takes in every date counted provisionally over that year. It returns how many changed.
func (f *Flow) Redue(ctx context.Context, year int) (int, error) {
	from := time.Date(year-1, time.December, 1, 0, 0, 0, 0, clock.China)
	changed, after := 0, ""
	for {
		batch, err := f.Store.PendingDueFrom(ctx, from, after, redueBatch)
		if err != nil {
			return changed, err
		}
		for _, a := range batch {
			due, provisional, err := f.Calendar.Due(ctx, a.SubmittedAt, DueWorkdays)
			if err != nil {
				return changed, err
			}
			if due.Equal(a.DueAt) && provisional == a.DueProvisional {
				continue
			}
			ok, err := f.Store.SetDue(ctx, a.ID, due.UTC(), provisional)
			if err != nil {
				return changed, err
			}
			if ok {
				changed++
			}
		}
		if len(batch) < redueBatch {
			return changed, nil
		}
		last := batch[len(batch)-1]
		from, after = last.DueAt, last.ID
	}
}

const redueBatch = 500

// stateRefusal is why an account in a real-name state may not apply.
func stateRefusal(state string) error {
	switch state {
	case account.RealNameReviewPending:
		return errcode.New(errcode.ReviewPending)
	case account.RealNameVerified, account.RealNameReviewApproved:
		return errcode.New(errcode.ReviewNotNeeded)
	}
	return nil
}

func (f *Flow) checkForm(acc *account.Account, sub Submission, now time.Time) []*errcode.Error {
	var errs []*errcode.Error
	birth, _ := document.ParseDate(acc.BirthDate)
	errs = append(errs, validator.ValidateValidity(acc.DocType, birth, sub.ValidityTerm, sub.ValidFrom, sub.ValidUntil, clock.Today(now))...)
	r := strings.TrimSpace(sub.Reason)
	switch {
	case r == "":
		errs = append(errs, errcode.AtField("reason", errcode.ReviewReasonRequired))
	case utf8.RuneCountInString(r) > MaxReasonLen:
		errs = append(errs, errcode.AtField("reason", errcode.ReviewReasonTooLong))
	}
	return errs
}

// Photo returns a photo of an application to its owner (viewer is the account id) or to a
// reviewer (staff set), whose every read is audited. Anyone else gets NotFound, as if there
// were no such photo.
func (f *Flow) Photo(ctx context.Context, appID, kind, viewer string, staff bool, addr string) ([]byte, error) {
	a, err := f.Store.ByID(ctx, appID)
	if errors.Is(err, ErrNotFound) {
		return nil, errcode.New(errcode.NotFound)
	}
	if err != nil {
		return nil, err
	}
	valid := false
	for _, k := range photo.Kinds {
		valid = valid || k == kind
	}
	if !valid || (!staff && a.AccountID != viewer) {
		return nil, errcode.New(errcode.NotFound)
	}
	id := PhotoID(appID, kind)
	sealed, err := f.Photos.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	plain, err := f.Sealer.Open(id, sealed)
	if err != nil {
		return nil, err
	}
	if staff {
		f.Audit.Add(ctx, audit.Record{Event: EventPhotoRead, AccountID: a.AccountID, Actor: viewer, Addr: addr,
			Detail: map[string]string{"application": appID, "photo": kind}})
	}
	return plain, nil
}

// Queue lists the pending applications, earliest due first, with what a reviewer needs beside
// them: overdue, who holds it.
func (f *Flow) Queue(ctx context.Context, limit int) ([]api.ReviewCase, error) {
	list, err := f.Store.Pending(ctx, limit)
	if err != nil {
		return nil, err
	}
	now := f.Clock.Now()
	out := make([]api.ReviewCase, 0, len(list))
	for _, a := range list {
		c := caseOf(a, now)
		out = append(out, c)
	}
	return out, nil
}

func caseOf(a *Application, now time.Time) api.ReviewCase {
	c := api.ReviewCase{
		ID: a.ID, State: a.State, SubmittedAt: a.SubmittedAt, DueAt: a.DueAt, DueProvisional: a.DueProvisional, Overdue: a.State == Pending && now.After(a.DueAt),
		DocType: a.DocType, DocNumber: contact.MaskDocNumber(a.DocNumber), Name: a.Name,
		ValidityTerm: a.ValidityTerm, ValidFrom: a.ValidFrom, ValidUntil: a.ValidUntil, Reason: a.Reason,
		Decision: a.Decision, DecidedBy: a.DecidedBy,
	}
	if a.ClaimedBy != "" && now.Before(a.LeaseUntil) {
		c.ClaimedBy, c.LeaseUntil = a.ClaimedBy, &a.LeaseUntil
	}
	return c
}

// Case returns one application with the account's current identity beside the submitted one.
func (f *Flow) Case(ctx context.Context, id string) (*api.ReviewCase, error) {
	a, err := f.Store.ByID(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return nil, errcode.New(errcode.NotFound)
	}
	if err != nil {
		return nil, err
	}
	c := caseOf(a, f.Clock.Now())
	if acc, err := f.Accounts.ByID(ctx, a.AccountID); err == nil {
		c.Account = &api.ReviewAccount{DocType: acc.DocType, DocNumber: contact.MaskDocNumber(acc.DocNumber), Name: acc.Name,
			ValidityTerm: acc.ValidityTerm, ValidFrom: acc.ValidFrom, ValidUntil: acc.ValidUntil, RealNameState: acc.RealName}
	}
	return &c, nil
}

// Claim gives the case to the reviewer for LeaseTime; ReviewClaimed when another holds it.
func (f *Flow) Claim(ctx context.Context, id, reviewer string) (*api.ReviewCase, error) {
	now := f.Clock.Now()
	ok, err := f.Store.Claim(ctx, id, reviewer, now, now.Add(LeaseTime))
	if err != nil {
		return nil, err
	}
	if !ok {
		a, err := f.Store.ByID(ctx, id)
		switch {
		case errors.Is(err, ErrNotFound):
			return nil, errcode.New(errcode.NotFound)
		case err != nil:
			return nil, err
		case a.State != Pending:
			return nil, errcode.New(errcode.ReviewDecided)
		}
		return nil, errcode.New(errcode.ReviewClaimed)
	}
	f.Audit.Add(ctx, audit.Record{Event: EventClaimed, Actor: reviewer, Detail: map[string]string{"application": id}})
	return f.Case(ctx, id)
}

// Decide approves or rejects a case the reviewer holds, mirrors the decision on the account and
// tells the applicant.
func (f *Flow) Decide(ctx context.Context, id, reviewer string, approve bool, reason string) (*api.ReviewCase, error) {
	reason = strings.TrimSpace(reason)
	to := Approved
	if !approve {
		to = Rejected
		if reason == "" {
			return nil, errcode.AtField("reason", errcode.RejectReasonRequired)
		}
		if utf8.RuneCountInString(reason) > MaxReasonLen {
			return nil, errcode.AtField("reason", errcode.ReviewReasonTooLong)
		}
	} else {
		reason = ""
	}
	if !CanMove(Pending, to) {
		return nil, errcode.New(errcode.ReviewDecided)
	}
	now := f.Clock.Now()
	ok, err := f.Store.Decide(ctx, id, reviewer, to, reason, now)
	if err != nil {
		return nil, err
	}
	a, err := f.Store.ByID(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return nil, errcode.New(errcode.NotFound)
	}
	if err != nil {
		return nil, err
	}
	if !ok {
		if a.State != Pending {
			return nil, errcode.New(errcode.ReviewDecided)
		}
		return nil, errcode.New(errcode.ReviewNotClaimed)
	}
	accState := account.RealNameNone
	if approve {
		accState = account.RealNameReviewApproved
	}
	if _, err := f.Accounts.SetRealName(ctx, a.AccountID, []string{account.RealNameReviewPending}, accState); err != nil {
		return nil, err
	}
	if approve && f.Approval != nil {
		if err := f.Approval.ApplyReviewed(ctx, a.AccountID, a); err != nil {
			return nil, err
		}
	}
	event := EventRejected
	if approve {
		event = EventApproved
	}
	f.Audit.Add(ctx, audit.Record{Event: event, AccountID: a.AccountID, Actor: reviewer,
		Detail: map[string]string{"application": id, "reason": reason}})
	if f.Notifier != nil {
		if acc, err := f.Accounts.ByID(ctx, a.AccountID); err == nil {
			// The decision stands whether or not the notice goes out; the page shows it either way.
			if err := f.Notifier.ReviewDecided(ctx, acc, approve, reason); err != nil {
				f.Audit.Add(ctx, audit.Record{Event: EventNoticeLost, AccountID: a.AccountID, Detail: map[string]string{"err": err.Error()}})
			}
		}
	}
	c := caseOf(a, now)
	return &c, nil
}

// Stats are the console's figures: queue depth, overdue cases, median time to decision over
// the last 30 days.
func (f *Flow) Stats(ctx context.Context) (*api.ReviewStats, error) {
	now := f.Clock.Now()
	pending, err := f.Store.Pending(ctx, 10000)
	if err != nil {
		return nil, err
	}
	st := &api.ReviewStats{Pending: len(pending), CalendarMissing: f.calendarMissing(ctx, now)}
	for _, a := range pending {
		if now.After(a.DueAt) {
			st.Overdue++
		}
	}
	decided, err := f.Store.Decided(ctx, now.AddDate(0, 0, -30), 10000)
	if err != nil {
		return nil, err
	}
	var hours []float64
	for _, a := range decided {
		hours = append(hours, a.DecidedAt.Sub(a.SubmittedAt).Hours())
	}
	if n := len(hours); n > 0 {
		sort.Float64s(hours)
		m := hours[n/2]
		if n%2 == 0 {
			m = (hours[n/2-1] + hours[n/2]) / 2
		}
		st.MedianHours = m
		st.Decided = n
	}
	return st, nil
}

// Locked reports whether the account's identity may not be edited now (a pending review): the
// personal centre's identity edits call it.
func Locked(acc *account.Account) error {
	if acc.RealName == account.RealNameReviewPending {
		return errcode.New(errcode.ReviewPending)
	}
	return nil
}

func key(accountID string) string { return "account:" + accountID }
