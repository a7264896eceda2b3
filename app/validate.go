package app

import (
	"errors"

	"jszg/shared/document"
	"jszg/shared/errcode"
)

// normalizeDocNumber is how a typed document number is sent: what the shared rules forgive
// (spaces around it, full-width characters, a lower-case x) already applied.
func normalizeDocNumber(s string) string { return document.NormalizeNumber(s) }

// checkSignInDocNumber checks the number typed on 登录, where the applicant does not say which
// document it is: either a mainland ID card or a residence permit number is accepted, by the
// shared rules of each.
func checkSignInDocNumber(s string) *errcode.Error {
	_, err := document.ParseIDCard(s, today())
	if e := asCodeError(err); e != nil && e.Code == errcode.DocNumberIsPermit {
		_, err = document.ParseResidencePermit(s, "", today())
	}
	return asCodeError(err)
}

// asCodeError turns a rule error into the *errcode.Error the shared packages return.
func asCodeError(err error) *errcode.Error {
	if err == nil {
		return nil
	}
	var e *errcode.Error
	if errors.As(err, &e) {
		return e
	}
	return errcode.New(errcode.BadRequest)
}
