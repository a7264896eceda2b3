package validator

import (
	"strings"
	"time"

	"jszg/shared/api"
	"jszg/shared/contact"
	"jszg/shared/document"
	"jszg/shared/errcode"
	"jszg/shared/name"
	"jszg/shared/password"
)

// Registration is an accepted 注册 form, every value normalised.
type Registration struct {
	DocType   string
	DocNumber string    // normalised, X upper-case
	Name      string    // with · as the only separator
	Sex       string    // 男 or 女, from the document number
	BirthDate time.Time // from the document number, UTC midnight

	// Residence permits only; empty for a mainland ID card.
	Region       string
	PermitNumber string
	LocalID      string

	ValidityTerm string
	ValidFrom    time.Time
	ValidUntil   time.Time // zero for the long term

	// Password is as typed, for hashing; never log or store it.
	Password string
	Email    string
	Phone    string // 11 digits

	CodeSource string // api.CodeBySMS or api.CodeByWeChat
	Code       string // 6 digits, not yet checked against the one sent
}

// ValidateRegistration checks every field of a 注册 form and returns the normalised values, or
// every field error found (one per field, each with its JSON field name). today is the current
// date in China; only its calendar date counts.
//
// For a mainland ID card the region, permit and local ID fields are ignored, since a client may
// leave what was typed before the document type was switched. The captcha and the code's
// correctness are the server's to check; here a code only has to be 6 digits.
func ValidateRegistration(req *api.RegisterRequest, today time.Time) (*Registration, []*errcode.Error) {
	var errs fieldErrors
	r := &Registration{DocType: req.DocType}

	permit := req.DocType == api.DocResidencePermit
	if !document.ValidDocType(req.DocType) {
		errs.add(FieldDocType, errcode.New(errcode.DocTypeInvalid))
	}
	if permit {
		if err := validRegion(req.Region); err != nil {
			errs.add(FieldRegion, err)
		} else {
			r.Region = req.Region
		}
	}

	var birth time.Time
	if document.ValidDocType(req.DocType) {
		id, err := document.Parse(req.DocType, r.Region, req.DocNumber, today)
		errs.add(FieldDocNumber, err)
		if id != nil {
			r.DocNumber, r.Sex, r.BirthDate = id.Number, id.Sex, id.BirthDate
			birth = id.BirthDate
		}
	}

	n, err := name.Normalize(req.Name)
	errs.add(FieldName, err)
	r.Name = n

	if permit && r.Region != "" {
		r.PermitNumber, err = document.ParsePermitNumber(r.Region, req.PermitNumber)
		errs.add(FieldPermitNumber, err)
		r.LocalID, err = document.ParseLocalID(r.Region, req.LocalID)
		errs.add(FieldLocalID, err)
	}

	v, verrs := validity(req.DocType, birth, req.ValidityTerm, req.ValidFrom, req.ValidUntil, today)
	errs = append(errs, verrs...)
	r.ValidityTerm, r.ValidFrom, r.ValidUntil = v.term, v.from, v.until

	phone, phoneErr := contact.NormalizePhone(req.Phone)
	docNumber := r.DocNumber
	if docNumber == "" {
		docNumber = document.NormalizeNumber(req.DocNumber)
	}
	errs.add(FieldPassword, password.Check(req.Password, password.Personal{
		DocNumber: docNumber, Phone: phone, BirthDate: birth,
	}))
	errs.add(FieldPasswordConfirm, passwordConfirm(req.Password, req.PasswordConfirm))
	r.Password = req.Password

	r.Email, err = contact.NormalizeEmail(req.Email)
	errs.add(FieldEmail, err)
	errs.add(FieldPhone, phoneErr)
	r.Phone = phone

	if err := validCodeSource(req.CodeSource); err != nil {
		errs.add(FieldCodeSource, err)
	} else {
		r.CodeSource = req.CodeSource
		r.Code, err = code(req.Code)
		errs.add(FieldCode, err)
	}

	if !req.Agreed {
		errs.add(FieldAgreed, errcode.New(errcode.AgreementRequired))
	}

	if len(errs) > 0 {
		return nil, errs
	}
	return r, nil
}

func validRegion(region string) error {
	if !document.ValidRegion(region) {
		return errcode.New(errcode.RegionInvalid)
	}
	return nil
}

func passwordConfirm(pw, confirm string) error {
	if confirm != pw {
		return errcode.New(errcode.PasswordMismatch)
	}
	return nil
}

func validCodeSource(source string) error {
	if source != api.CodeBySMS && source != api.CodeByWeChat {
		return errcode.New(errcode.CodeSourceInvalid)
	}
	return nil
}

// code checks the shape of a verification code, whether sent by SMS or in the WeChat chat: 6
// digits, surrounding spaces ignored.
func code(c string) (string, error) {
	c = strings.TrimSpace(c)
	if c == "" {
		return "", errcode.New(errcode.CodeRequired)
	}
	if len(c) != 6 || strings.Trim(c, "0123456789") != "" {
		return "", errcode.New(errcode.CodeFormat)
	}
	return c, nil
}

// validityValues are the parsed validity fields; zero where a field was refused.
type validityValues struct {
	term        string
	from, until time.Time
}

// validity checks the validity term and dates of a document whose holder was born on birth (zero
// when the document number was refused, which skips the age check):
//   - the term is one of 5y, 10y, 20y, long;
//   - the start date is a date, not after today and not before the birth date;
//   - the term fits the document: 5 years for a residence permit, the holder's age band for a
//     mainland ID card (document.TermAllowed);
//   - the end date is empty for the long term, else the start date plus the term
//     (document.TermEnd), and that end date is not before today.
func validity(docType string, birth time.Time, term, fromS, untilS string, today time.Time) (validityValues, []*errcode.Error) {
	var errs fieldErrors
	var v validityValues

	termOK := document.ValidTerm(term)
	if !termOK {
		errs.add(FieldValidityTerm, errcode.New(errcode.ValidityTermInvalid))
	}
	from, fromOK := document.ParseDate(fromS)
	switch {
	case !fromOK:
		errs.add(FieldValidFrom, errcode.New(errcode.ValidFromInvalid))
	case document.InFuture(from, today):
		errs.add(FieldValidFrom, errcode.New(errcode.ValidFromFuture))
		fromOK = false
	case !birth.IsZero() && from.Before(birth):
		errs.add(FieldValidFrom, errcode.New(errcode.ValidFromBeforeBirth))
		fromOK = false
	}
	if fromOK {
		v.from = from
	}

	if termOK && fromOK {
		switch {
		case docType == api.DocResidencePermit && term != api.Term5Years:
			errs.add(FieldValidityTerm, errcode.New(errcode.ValidityTermPermit))
			termOK = false
		case docType == api.DocIDCard && !birth.IsZero() && !document.TermAllowed(docType, term, birth, from):
			errs.add(FieldValidityTerm, errcode.New(errcode.ValidityTermAge))
			termOK = false
		}
	}
	if termOK {
		v.term = term
	}

	untilS = strings.TrimSpace(untilS)
	if term == api.TermLongTerm {
		if untilS != "" {
			errs.add(FieldValidUntil, errcode.New(errcode.ValidUntilMismatch))
		}
		return v, errs
	}
	until, untilOK := document.ParseDate(untilS)
	if !untilOK {
		errs.add(FieldValidUntil, errcode.New(errcode.ValidUntilInvalid))
	}
	if !termOK || !fromOK {
		return v, errs
	}
	end, _ := document.TermEnd(term, from)
	switch {
	case document.Expired(end, today):
		// An expired document cannot register whatever end date was typed.
		errs.add(FieldValidUntil, errcode.New(errcode.DocumentExpired))
	case untilOK && !until.Equal(end):
		errs.add(FieldValidUntil, errcode.New(errcode.ValidUntilMismatch))
	}
	v.until = end
	return v, errs
}
