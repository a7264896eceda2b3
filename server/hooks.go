package server

import (
	"context"
	"time"

	"jszg/server/account"
	"jszg/server/clock"
	"jszg/server/realname"
	"jszg/server/review"
)

// provenHolder connects the proofs of who an applicant is (实名核验, an approved 人工审核) to what
// waits for them on the account: a staged change of name and validity dates (修改个人身份信息) is
// verified instead of the account's current identity and applied when the authority confirms it,
// and an account registered over a legacy one becomes the number's holder, the legacy account
// archived with its sessions.
type provenHolder struct {
	accounts *account.Accounts
	clk      clock.Clock
}

// Staged implements realname.IdentityApplier: the staged identity, if any, is what is verified.
func (p provenHolder) Staged(ctx context.Context, accountID string) (*realname.Identity, error) {
	acc, err := p.accounts.ByID(ctx, accountID)
	if err != nil || acc.Staged == nil {
		return nil, err
	}
	return &realname.Identity{DocType: acc.DocType, DocNumber: acc.DocNumber, Name: acc.Staged.Name,
		ValidFrom: acc.Staged.ValidFrom, ValidUntil: acc.Staged.ValidUntil}, nil
}

// Apply implements realname.IdentityApplier: the staged change takes effect only if it is still
// the one that was verified (a newer change waits for its own verification).
func (p provenHolder) Apply(ctx context.Context, accountID string, verified realname.Identity) error {
	acc, err := p.accounts.ByID(ctx, accountID)
	if err != nil || acc.Staged == nil {
		return err
	}
	if acc.Staged.Name != verified.Name || acc.Staged.ValidFrom != verified.ValidFrom || acc.Staged.ValidUntil != verified.ValidUntil {
		return nil
	}
	_, err = p.accounts.ApplyStagedIdentity(ctx, accountID)
	return err
}

// ArchiveLegacyOf implements realname.LegacyArchiver.
func (p provenHolder) ArchiveLegacyOf(ctx context.Context, _ string, verifiedAccountID string) error {
	_, err := p.accounts.ArchiveSuperseded(ctx, verifiedAccountID, p.now())
	return err
}

// ApplyReviewed implements review.Approval: the validity period and dates the reviewer saw on
// the ID photos become the account's (the 人工审核 form lets the applicant correct them), and an
// approved review proves the holder as a passed verification does.
func (p provenHolder) ApplyReviewed(ctx context.Context, accountID string, a *review.Application) error {
	acc, err := p.accounts.ByID(ctx, accountID)
	if err != nil {
		return err
	}
	if a.ValidityTerm != "" && (a.ValidityTerm != acc.ValidityTerm || a.ValidFrom != acc.ValidFrom || a.ValidUntil != acc.ValidUntil) {
		name := acc.Name
		if a.Name != "" {
			name = a.Name
		}
		// Through the staged change and its one-step application, so that the change is the
		// same atomic step as the personal centre's; stored times are milliseconds.
		st := account.StagedIdentity{Name: name, ValidityTerm: a.ValidityTerm, ValidFrom: a.ValidFrom,
			ValidUntil: a.ValidUntil, At: p.now().Truncate(time.Millisecond)}
		ch := account.IdentityChange{Ethnicity: acc.Ethnicity, PermitNumber: acc.PermitNumber, LocalID: acc.LocalID, Staged: &st}
		if err := p.accounts.SetIdentity(ctx, accountID, ch); err != nil {
			return err
		}
		if _, err := p.accounts.ApplyStaged(ctx, accountID, st); err != nil {
			return err
		}
	}
	_, err = p.accounts.ArchiveSuperseded(ctx, accountID, p.now())
	return err
}

func (p provenHolder) now() time.Time { return p.clk.Now() }
