package validator

import (
	"time"

	"jszg/shared/api"
	"jszg/shared/contact"
	"jszg/shared/document"
	"jszg/shared/errcode"
	"jszg/shared/name"
	"jszg/shared/password"
)

// The single-field checks below are what the Wasm client runs as the user types. Each gives the
// error ValidateRegistration would give for the same field and values (an *errcode.Error with
// its field set), or nil.

// ValidateDocType checks the document type.
func ValidateDocType(docType string) error {
	if !document.ValidDocType(docType) {
		return errcode.AtField(FieldDocType, errcode.DocTypeInvalid)
	}
	return nil
}

// ValidateRegion checks the region of a residence permit; other document types have none.
func ValidateRegion(docType, region string) error {
	if docType != api.DocResidencePermit {
		return nil
	}
	return atField(FieldRegion, validRegion(region))
}

// ValidateDocNumber checks a document number of the given type. For a residence permit whose
// region is chosen, a number of another region is errcode.RegionMismatch.
func ValidateDocNumber(docType, region, number string, today time.Time) error {
	if !document.ValidRegion(region) {
		region = ""
	}
	_, err := document.Parse(docType, region, number, today)
	if errcode.Of(err) == errcode.DocTypeInvalid {
		return atField(FieldDocType, err)
	}
	return atField(FieldDocNumber, err)
}

// ValidateName checks a name.
func ValidateName(s string) error {
	_, err := name.Normalize(s)
	return atField(FieldName, err)
}

// ValidatePermitNumber checks a travel permit number for the region.
func ValidatePermitNumber(region, number string) error {
	_, err := document.ParsePermitNumber(region, number)
	return atField(FieldPermitNumber, err)
}

// ValidateLocalID checks a local ID number for the region.
func ValidateLocalID(region, id string) error {
	_, err := document.ParseLocalID(region, id)
	return atField(FieldLocalID, err)
}

// ValidateValidity checks the validity term and dates together, since each depends on the
// others. birth is the birth date from the document number, zero when not yet known (which skips
// the age check).
func ValidateValidity(docType string, birth time.Time, term, from, until string, today time.Time) []*errcode.Error {
	_, errs := validity(docType, birth, term, from, until, today)
	return errs
}

// ValidatePassword checks a password against its holder's information.
func ValidatePassword(pw string, holder password.Personal) error {
	return atField(FieldPassword, password.Check(pw, holder))
}

// ValidatePasswordConfirm checks that the password was typed the same twice.
func ValidatePasswordConfirm(pw, confirm string) error {
	return atField(FieldPasswordConfirm, passwordConfirm(pw, confirm))
}

// ValidateEmail checks the security e-mail.
func ValidateEmail(s string) error {
	_, err := contact.NormalizeEmail(s)
	return atField(FieldEmail, err)
}

// ValidatePhone checks the mobile number.
func ValidatePhone(s string) error {
	_, err := contact.NormalizePhone(s)
	return atField(FieldPhone, err)
}

// ValidateCodeSource checks the chosen way of receiving the verification code.
func ValidateCodeSource(source string) error {
	return atField(FieldCodeSource, validCodeSource(source))
}

// ValidateCode checks that a verification code has the shape of one: 6 digits.
func ValidateCode(c string) error {
	_, err := code(c)
	return atField(FieldCode, err)
}
