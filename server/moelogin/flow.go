package moelogin

import (
	"context"
	"errors"

	"jszg/server/account"
	"jszg/server/audit"
	"jszg/server/session"
	"jszg/shared/api"
	"jszg/shared/contact"
	"jszg/shared/document"
)

// ErrOtherSubject: the account with this number is linked to another MoE identity.
var ErrOtherSubject = errors.New("moe: account linked to another identity")

// Flow turns a verified MoE identity into a session or an offered registration.
type Flow struct {
	Client   *Client
	Accounts *account.Accounts
	Sessions *session.Sessions
	Audit    *audit.Log
}

// Outcome is a session (Token set) or an offered registration (Offer set).
type Outcome struct {
	Token   string
	Session *session.Session
	Account *account.Account
	Offer   string
}

// SignIn links the identity to the live account with its number and starts a session, or
// offers registration with the number when no account has it.
func (f *Flow) SignIn(ctx context.Context, id *Identity, addr string) (*Outcome, error) {
	number := document.NormalizeNumber(id.DocNumber)
	subject := contact.MaskDocNumber(number)
	acc, err := f.Accounts.ByDocNumber(ctx, number)
	if errors.Is(err, account.ErrNotFound) {
		docType := api.DocIDCard
		if len(number) >= 2 && (number[:2] == "81" || number[:2] == "82" || number[:2] == "83") {
			docType = api.DocResidencePermit
		}
		ticket, err := f.Client.Offer(ctx, Pending{DocType: docType, DocNumber: number, Name: id.Name, Subject: id.Subject})
		if err != nil {
			return nil, err
		}
		return &Outcome{Offer: ticket}, nil
	}
	if err != nil {
		return nil, err
	}
	linked, err := f.Accounts.LinkMoE(ctx, acc.ID, id.Subject)
	if err != nil {
		return nil, err
	}
	if !linked {
		f.Audit.Add(ctx, audit.Record{Event: audit.MoERefused, AccountID: acc.ID, Subject: subject, Addr: addr})
		return nil, ErrOtherSubject
	}
	if acc.MoESubject == "" {
		f.Audit.Add(ctx, audit.Record{Event: audit.MoELinked, AccountID: acc.ID, Subject: subject, Addr: addr})
	}
	token, sess, err := f.Sessions.Start(ctx, acc.ID, "applicant")
	if err != nil {
		return nil, err
	}
	f.Audit.Add(ctx, audit.Record{Event: audit.MoESignedIn, AccountID: acc.ID, Subject: subject, Addr: addr})
	return &Outcome{Token: token, Session: sess, Account: acc}, nil
}
