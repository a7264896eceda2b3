// Package validator checks whole forms of jszg with the rules of the document, name, password
// and contact packages and reports every rejected field at once, each error tied to the form
// field's JSON name. The server runs it on every submitted form; the Wasm client runs the same
// code, and its single-field helpers on each keystroke, so both always give the same answer. It
// checks what a form says, not what only the server can know: captcha passes, verification
// codes and whether a document number is already registered are the flows' business.
package validator

import "jszg/shared/errcode"

// Field names, as in the JSON of api.RegisterRequest.
const (
	FieldDocType         = "doc_type"
	FieldDocNumber       = "doc_number"
	FieldName            = "name"
	FieldRegion          = "region"
	FieldPermitNumber    = "permit_number"
	FieldLocalID         = "local_id"
	FieldValidityTerm    = "validity_term"
	FieldValidFrom       = "valid_from"
	FieldValidUntil      = "valid_until"
	FieldPassword        = "password"
	FieldPasswordConfirm = "password_confirm"
	FieldEmail           = "email"
	FieldPhone           = "phone"
	FieldCodeSource      = "code_source"
	FieldCode            = "code"
	FieldAgreed          = "agreed"
)

// fieldErrors collects at most one error per field, the first found, which is the one a user
// should fix first; fields keep the order they were checked in, which is the form's order.
type fieldErrors []*errcode.Error

func (l *fieldErrors) add(field string, err error) {
	if err == nil {
		return
	}
	for _, e := range *l {
		if e.Field == field {
			return
		}
	}
	*l = append(*l, errcode.AtField(field, errcode.Of(err)))
}

// atField ties a rule error to a field, keeping nil nil.
func atField(field string, err error) error {
	if err == nil {
		return nil
	}
	return errcode.AtField(field, errcode.Of(err))
}
