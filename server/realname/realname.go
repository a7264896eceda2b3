// Package realname is the 实名核验 flow: the applicant's document number, name and validity
// dates are compared with the authority's records through a Verifier (Tencent Cloud's
// IdCardVerification, or its local stand-in). An account has three attempts per China calendar
// day, counted in the database (quota), so the limit holds across instances and under concurrent
// submissions: the slot is taken before the authority is asked. An outage of the authority is not
// the applicant's failed attempt: its slot is given back. While a manual review is pending the
// flow refuses to run. Success marks the account verified and calls the hooks other flows hang
// on it (staged identity changes, the legacy account of the same number).
package realname

import (
	"context"
	"errors"
	"fmt"

	"jszg/server/account"
	"jszg/server/audit"
	"jszg/server/clock"
	"jszg/server/quota"
	"jszg/shared/api"
	"jszg/shared/contact"
	"jszg/shared/errcode"
)

// PerDay is the applicant's attempts per China calendar day.
var PerDay = quota.Limit{Name: "realname_day", Max: 3, Window: quota.ChinaDay}

// Identity is what the authority compares. Dates are YYYY-MM-DD; ValidUntil is empty for 长期.
type Identity struct {
	DocType    string
	DocNumber  string
	Name       string
	ValidFrom  string
	ValidUntil string
}

// Verdict is the authority's answer about an identity it could check.
type Verdict struct {
	Match bool
	// Reason is the authority's own code and words when it does not match (for the audit log;
	// the applicant sees the guidance page instead).
	Reason string
}

// ErrUnavailable marks an error of the authority rather than of the identity: the attempt does
// not count. Verifiers wrap it.
var ErrUnavailable = errors.New("real-name authority unavailable")

// Verifier asks the authority about one identity.
type Verifier interface {
	Verify(ctx context.Context, id Identity) (Verdict, error)
}

// IdentityApplier is the hook of the personal centre's staged identity changes (姓名, 有效开始日期,
// 有效截止日期 take effect only when a verification with the new values passes). Staged returns
// the identity to verify instead of the account's (nil: nothing staged); Apply makes it the
// account's after a success.
type IdentityApplier interface {
	Staged(ctx context.Context, accountID string) (*Identity, error)
	Apply(ctx context.Context, accountID string, verified Identity) error
}

// LegacyArchiver is the hook that archives a legacy account holding the same document number
// once this account has proved it is that person's.
type LegacyArchiver interface {
	ArchiveLegacyOf(ctx context.Context, docNumber, verifiedAccountID string) error
}

// Flow runs verifications.
type Flow struct {
	Accounts *account.Accounts
	Verifier Verifier
	Quotas   *quota.Quotas
	Audit    *audit.Log
	Clock    clock.Clock
	// Identities and Legacy are optional hooks; nil does nothing.
	Identities IdentityApplier
	Legacy     LegacyArchiver
}

// Audit events of the flow.
const (
	EventVerified = "real_name_verified"
	EventFailed   = "real_name_failed"
	EventOutage   = "real_name_outage"
)

// Status is what the 实名核验 page shows before the applicant submits.
func (f *Flow) Status(ctx context.Context, accountID string) (*api.RealNameStatus, error) {
	acc, err := f.Accounts.ByID(ctx, accountID)
	if err != nil {
		return nil, err
	}
	id, err := f.identity(ctx, acc)
	if err != nil {
		return nil, err
	}
	left, err := f.Quotas.Remaining(ctx, key(accountID), PerDay)
	if err != nil {
		return nil, err
	}
	return &api.RealNameStatus{
		State: acc.RealName, Remaining: left, DocType: acc.DocType,
		DocNumber: contact.MaskDocNumber(acc.DocNumber), Name: id.Name,
		ValidFrom: id.ValidFrom, ValidUntil: id.ValidUntil,
	}, nil
}

// Verify runs one attempt. Refusals are *errcode.Error: RealNameReviewPending while a review is
// pending, RealNameQuota when today's attempts are used (RetryAfter: until midnight in China),
// RealNameUnavailable at an outage (no attempt used). A mismatch is not an error: the result
// says so, with the attempts left.
func (f *Flow) Verify(ctx context.Context, accountID, addr string) (*api.RealNameResult, error) {
	acc, err := f.Accounts.ByID(ctx, accountID)
	if err != nil {
		return nil, err
	}
	if acc.RealName == account.RealNameReviewPending {
		return nil, errcode.New(errcode.RealNameReviewPending)
	}
	id, err := f.identity(ctx, acc)
	if err != nil {
		return nil, err
	}
	grant, err := f.Quotas.Take(ctx, key(accountID), PerDay)
	if err != nil {
		return nil, quota.Refusal(err, errcode.RealNameQuota)
	}
	subject := contact.MaskDocNumber(acc.DocNumber)
	verdict, err := f.Verifier.Verify(ctx, id)
	if err != nil {
		grant.Release(ctx)
		if errors.Is(err, ErrUnavailable) || errors.Is(err, context.DeadlineExceeded) {
			f.Audit.Add(ctx, audit.Record{Event: EventOutage, AccountID: acc.ID, Subject: subject, Addr: addr,
				Detail: map[string]string{"err": err.Error()}})
			return nil, errcode.New(errcode.RealNameUnavailable)
		}
		return nil, err
	}
	left, err := f.Quotas.Remaining(ctx, key(accountID), PerDay)
	if err != nil {
		return nil, err
	}
	if !verdict.Match {
		f.Audit.Add(ctx, audit.Record{Event: EventFailed, AccountID: acc.ID, Subject: subject, Addr: addr,
			Detail: map[string]string{"reason": verdict.Reason}})
		return &api.RealNameResult{Verified: false, Remaining: left}, nil
	}
	// A review submitted while the authority was answering wins: the pending state is kept.
	ok, err := f.Accounts.SetRealName(ctx, acc.ID, VerifiableFrom, account.RealNameVerified)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errcode.New(errcode.RealNameReviewPending)
	}
	if f.Identities != nil {
		if err := f.Identities.Apply(ctx, acc.ID, id); err != nil {
			return nil, fmt.Errorf("apply staged identity: %w", err)
		}
	}
	if f.Legacy != nil {
		if err := f.Legacy.ArchiveLegacyOf(ctx, acc.DocNumber, acc.ID); err != nil {
			return nil, fmt.Errorf("archive legacy account: %w", err)
		}
	}
	f.Audit.Add(ctx, audit.Record{Event: EventVerified, AccountID: acc.ID, Subject: subject, Addr: addr})
	return &api.RealNameResult{Verified: true, Remaining: left}, nil
}

// VerifiableFrom are the states a verification may start from and move to verified: every state
// but a pending review (approval does not stop the applicant verifying too, as the seed says).
var VerifiableFrom = []string{account.RealNameNone, account.RealNameVerified, account.RealNameReviewApproved}

// Passes reports whether an account may do business (认定, 定期注册): verified, or approved by a
// manual review.
func Passes(acc *account.Account) bool {
	return acc.RealName == account.RealNameVerified || acc.RealName == account.RealNameReviewApproved
}

// Gate refuses an account that may not do business yet with RealNameRequired.
func Gate(acc *account.Account) error {
	if !Passes(acc) {
		return errcode.New(errcode.RealNameRequired)
	}
	return nil
}

// identity is what to verify: the staged change when there is one, else the account's own.
func (f *Flow) identity(ctx context.Context, acc *account.Account) (Identity, error) {
	id := Identity{DocType: acc.DocType, DocNumber: acc.DocNumber, Name: acc.Name, ValidFrom: acc.ValidFrom, ValidUntil: acc.ValidUntil}
	if f.Identities == nil {
		return id, nil
	}
	staged, err := f.Identities.Staged(ctx, acc.ID)
	if err != nil {
		return id, fmt.Errorf("staged identity: %w", err)
	}
	if staged != nil {
		staged.DocType, staged.DocNumber = acc.DocType, acc.DocNumber
		return *staged, nil
	}
	return id, nil
}

func key(accountID string) string { return "account:" + accountID }
