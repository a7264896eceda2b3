package app

import (
	"errors"
	"fmt"
	"testing"

	"jszg/shared/api"
	"jszg/shared/errcode"
)

func TestFieldErrors(t *testing.T) {
	for name, tc := range map[string]struct {
		err        error
		wantFields map[string]string
		wantForm   string
	}{
		"one field": {
			err:        &apiError{Status: 409, Body: api.ErrorResponse{Code: errcode.DocNumberTaken, Message: errcode.DocNumberTaken.Message(), Field: "doc_number"}},
			wantFields: map[string]string{"doc_number": errcode.DocNumberTaken.Message()},
		},
		"several fields": {
			err: &apiError{Status: 400, Body: api.ErrorResponse{Code: errcode.BadRequest, Message: "x", Fields: []api.FieldError{
				{Field: "name", Code: errcode.NameInvalid, Message: errcode.NameInvalid.Message()},
				{Field: "phone", Code: errcode.PhoneInvalid}, // no message: the code's own
			}}},
			wantFields: map[string]string{"name": errcode.NameInvalid.Message(), "phone": errcode.PhoneInvalid.Message()},
		},
		"no field": {
			err:        &apiError{Status: 401, Body: api.ErrorResponse{Code: errcode.SignInFailed, Message: errcode.SignInFailed.Message()}},
			wantFields: map[string]string{},
			wantForm:   errcode.SignInFailed.Message(),
		},
		"no answer": {
			err:        fmt.Errorf("%w: TypeError: Failed to fetch", errNetwork),
			wantFields: map[string]string{},
			wantForm:   msgNetwork,
		},
		"anything else": {
			err:        errors.New("boom"),
			wantFields: map[string]string{},
			wantForm:   errcode.Internal.Message(),
		},
	} {
		t.Run(name, func(t *testing.T) {
			fields, form := fieldErrors(tc.err)
			if fmt.Sprint(fields) != fmt.Sprint(tc.wantFields) || form != tc.wantForm {
				t.Errorf("fieldErrors = %v, %q; want %v, %q", fields, form, tc.wantFields, tc.wantForm)
			}
		})
	}
}

func TestCodeForStatus(t *testing.T) {
	for status, want := range map[int]errcode.Code{
		401: errcode.Unauthorized, 403: errcode.Forbidden, 404: errcode.NotFound,
		413: errcode.BodyTooLarge, 429: errcode.TooManyRequests, 502: errcode.Unavailable, 400: errcode.BadRequest,
	} {
		if got := codeForStatus(status); got != want {
			t.Errorf("codeForStatus(%d) = %s, want %s", status, got, want)
		}
	}
}

func TestCheckSignInDocNumber(t *testing.T) {
	for number, want := range map[string]errcode.Code{
		"11010519491231002X": "", // mainland ID card
		"11010519491231002x": "", // lower-case x is forgiven
		"810000199408230021": "", // Hong Kong residence permit
		"":                   errcode.DocNumberRequired,
		"110105194912310021": errcode.DocNumberChecksum,
		"11010519491231002":  errcode.DocNumberFormat,
	} {
		var got errcode.Code
		if e := checkSignInDocNumber(number); e != nil {
			got = e.Code
		}
		if got != want {
			t.Errorf("checkSignInDocNumber(%q) = %q, want %q", number, got, want)
		}
	}
}
