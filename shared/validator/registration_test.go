package validator

import (
	"sort"
	"strings"
	"testing"
	"time"

	"jszg/shared/api"
	"jszg/shared/contact"
	"jszg/shared/document"
	"jszg/shared/errcode"
	"jszg/shared/password"
)

var today = time.Date(2025, 6, 15, 0, 0, 0, 0, time.UTC)

// idNumber completes 17 digits with their check character.
func idNumber(body string) string {
	c, ok := document.ChecksumChar(body)
	if !ok {
		panic("bad test number " + body)
	}
	return body + string(c)
}

// idCardForm is a valid form of a mainland ID card holder born 1987-03-15, whose card was issued
// at 28 (20 years).
func idCardForm() *api.RegisterRequest {
	return &api.RegisterRequest{
		DocType:         api.DocIDCard,
		DocNumber:       "330102198703152117",
		Name:            "郝京",
		ValidityTerm:    api.Term20Years,
		ValidFrom:       "2015-03-20",
		ValidUntil:      "2035-03-20",
		Password:        "Tq7#vLp2x",
		PasswordConfirm: "Tq7#vLp2x",
		Email:           "2812345678@qq.com",
		Phone:           "18512341234",
		CodeSource:      api.CodeBySMS,
		Code:            "123456",
		Agreed:          true,
	}
}

// permitForm is a valid form of a Hong Kong resident born 1990-01-01.
func permitForm() *api.RegisterRequest {
	r := idCardForm()
	r.DocType = api.DocResidencePermit
	r.DocNumber = "810000199001011230"
	r.Name = "周江"
	r.Region = api.RegionHongKong
	r.PermitNumber = "H00367998"
	r.LocalID = "A123456(3)"
	r.ValidityTerm = api.Term5Years
	r.ValidFrom = "2021-07-01"
	r.ValidUntil = "2026-07-01"
	r.CodeSource = api.CodeByWeChat
	return r
}

func TestValidateRegistrationAccepts(t *testing.T) {
	r, errs := ValidateRegistration(idCardForm(), today)
	if errs != nil {
		t.Fatalf("valid ID card form: %v", errs)
	}
	want := Registration{
		DocType: api.DocIDCard, DocNumber: "330102198703152117", Name: "郝京", Sex: "男",
		BirthDate: date("1987-03-15"), ValidityTerm: api.Term20Years, ValidFrom: date("2015-03-20"),
		ValidUntil: date("2035-03-20"), Password: "Tq7#vLp2x", Email: "2812345678@qq.com",
		Phone: "18512341234", CodeSource: api.CodeBySMS, Code: "123456",
	}
	if *r != want {
		t.Errorf("ID card form:\n got %+v\nwant %+v", *r, want)
	}

	r, errs = ValidateRegistration(permitForm(), today)
	if errs != nil {
		t.Fatalf("valid permit form: %v", errs)
	}
	if r.Region != api.RegionHongKong || r.PermitNumber != "H00367998" || r.LocalID != "A123456(3)" ||
		r.ValidUntil != date("2026-07-01") || r.CodeSource != api.CodeByWeChat {
		t.Errorf("permit form: %+v", *r)
	}

	// Boundaries that must pass.
	for label, edit := range map[string]func(r *api.RegisterRequest){
		"ends today": func(r *api.RegisterRequest) {
			r.DocNumber = idNumber("33010219950101001")
			r.ValidityTerm, r.ValidFrom, r.ValidUntil = api.Term10Years, "2015-06-15", "2025-06-15"
		},
		"10 years from the 16th birthday": func(r *api.RegisterRequest) {
			r.DocNumber, r.ValidityTerm, r.ValidFrom, r.ValidUntil = born16Today, api.Term10Years, "2025-06-15", "2035-06-15"
		},
		"5 years applied for at 15, issued on the 16th birthday": func(r *api.RegisterRequest) {
			r.DocNumber, r.ValidityTerm, r.ValidFrom, r.ValidUntil = born16Today, api.Term5Years, "2025-06-15", "2030-06-15"
		},
		"29 February plus 10 years": func(r *api.RegisterRequest) {
			r.DocNumber, r.ValidityTerm, r.ValidFrom, r.ValidUntil = bornFeb29, api.Term10Years, "2020-02-29", "2030-02-28"
		},
		"born 29 February, issued on the 16th birthday": func(r *api.RegisterRequest) {
			r.DocNumber, r.ValidityTerm, r.ValidFrom, r.ValidUntil = bornFeb29, api.Term10Years, "2016-02-29", "2026-02-28"
		},
	} {
		f := idCardForm()
		edit(f)
		if _, errs := ValidateRegistration(f, today); errs != nil {
			t.Errorf("%s: %v", label, errs)
		}
	}

	// What users type is normalised.
	f := idCardForm()
	f.DocNumber = " 11010519491231002x "
	f.Name = " 买买提•艾力 "
	f.ValidityTerm = api.TermLongTerm
	f.ValidFrom = "2000-01-01"
	f.ValidUntil = ""
	f.Email = " Zhang.San@Example.COM "
	f.Phone = "+86 185-1234-1234"
	f.Code = " 654321 "
	f.Region, f.PermitNumber, f.LocalID = "XX", "junk", "junk" // ignored for an ID card
	r, errs = ValidateRegistration(f, today)
	if errs != nil {
		t.Fatalf("typed form: %v", errs)
	}
	if r.DocNumber != "11010519491231002X" || r.Name != "买买提·艾力" || r.Sex != "女" ||
		!r.ValidUntil.IsZero() || r.Email != "Zhang.San@example.com" || r.Phone != "18512341234" ||
		r.Code != "654321" || r.Region != "" || r.PermitNumber != "" || r.LocalID != "" {
		t.Errorf("typed form: %+v", *r)
	}
}

func date(s string) time.Time {
	d, ok := document.ParseDate(s)
	if !ok {
		panic("bad test date " + s)
	}
	return d
}

// born16Today is a holder whose 16th birthday is today.
var born16Today = idNumber("11010120090615001")

// bornFeb29 was born on 29 February 2000.
const bornFeb29 = "11010120000229123X"

type want map[string]errcode.Code

func TestValidateRegistrationRefuses(t *testing.T) {
	cases := map[string]struct {
		base func() *api.RegisterRequest
		edit func(r *api.RegisterRequest)
		want want
	}{
		"empty form": {func() *api.RegisterRequest { return &api.RegisterRequest{} }, func(*api.RegisterRequest) {}, want{
			FieldDocType: errcode.DocTypeInvalid, FieldName: errcode.NameRequired,
			FieldValidityTerm: errcode.ValidityTermInvalid, FieldValidFrom: errcode.ValidFromInvalid,
			FieldValidUntil: errcode.ValidUntilInvalid, FieldPassword: errcode.PasswordRequired,
			FieldEmail: errcode.EmailInvalid, FieldPhone: errcode.PhoneInvalid,
			FieldCodeSource: errcode.CodeSourceInvalid, FieldAgreed: errcode.AgreementRequired,
		}},
		"unknown document type": {idCardForm, func(r *api.RegisterRequest) { r.DocType = "passport" },
			want{FieldDocType: errcode.DocTypeInvalid}},
		"no document number": {idCardForm, func(r *api.RegisterRequest) { r.DocNumber = "" },
			want{FieldDocNumber: errcode.DocNumberRequired}},
		"wrong check digit": {idCardForm, func(r *api.RegisterRequest) { r.DocNumber = "330102198703152118" },
			want{FieldDocNumber: errcode.DocNumberChecksum}},
		"permit number as ID card": {idCardForm, func(r *api.RegisterRequest) { r.DocNumber = "810000199001011230" },
			want{FieldDocNumber: errcode.DocNumberIsPermit}},
		"name with a digit": {idCardForm, func(r *api.RegisterRequest) { r.Name = "郝京2" },
			want{FieldName: errcode.NameInvalid}},
		"name with a doubled separator": {idCardForm, func(r *api.RegisterRequest) { r.Name = "买买提··艾力" },
			want{FieldName: errcode.NameSeparator}},

		// Validity terms and dates.
		"no term": {idCardForm, func(r *api.RegisterRequest) { r.ValidityTerm = "" },
			want{FieldValidityTerm: errcode.ValidityTermInvalid}},
		"term too short for age 28": {idCardForm, func(r *api.RegisterRequest) {
			r.ValidityTerm, r.ValidUntil = api.Term10Years, "2025-03-20"
		}, want{FieldValidityTerm: errcode.ValidityTermAge}},
		"long term at 28": {idCardForm, func(r *api.RegisterRequest) { r.ValidityTerm, r.ValidUntil = api.TermLongTerm, "" },
			want{FieldValidityTerm: errcode.ValidityTermAge}},
		"10 years the day before the 16th birthday": {idCardForm, func(r *api.RegisterRequest) {
			r.DocNumber, r.ValidityTerm, r.ValidFrom, r.ValidUntil = born16Today, api.Term10Years, "2025-06-14", "2035-06-14"
		}, want{FieldValidityTerm: errcode.ValidityTermAge}},
		"20 years on the 16th birthday": {idCardForm, func(r *api.RegisterRequest) {
			r.DocNumber, r.ValidityTerm, r.ValidFrom, r.ValidUntil = born16Today, api.Term20Years, "2025-06-15", "2045-06-15"
		}, want{FieldValidityTerm: errcode.ValidityTermAge}},
		"start date in the future": {idCardForm, func(r *api.RegisterRequest) { r.ValidFrom, r.ValidUntil = "2025-06-16", "2045-06-16" },
			want{FieldValidFrom: errcode.ValidFromFuture}},
		"start date before birth": {idCardForm, func(r *api.RegisterRequest) { r.ValidFrom, r.ValidUntil = "1987-03-14", "1992-03-14" },
			want{FieldValidFrom: errcode.ValidFromBeforeBirth}},
		"start date not a date": {idCardForm, func(r *api.RegisterRequest) { r.ValidFrom = "2015-02-30" },
			want{FieldValidFrom: errcode.ValidFromInvalid}},
		"end date not the start plus the term": {idCardForm, func(r *api.RegisterRequest) { r.ValidUntil = "2035-03-21" },
			want{FieldValidUntil: errcode.ValidUntilMismatch}},
		"no end date": {idCardForm, func(r *api.RegisterRequest) { r.ValidUntil = "" },
			want{FieldValidUntil: errcode.ValidUntilInvalid}},
		"end date for the long term": {idCardForm, func(r *api.RegisterRequest) {
			r.DocNumber, r.ValidityTerm, r.ValidFrom, r.ValidUntil = "11010519491231002X", api.TermLongTerm, "2000-01-01", "2100-01-01"
		}, want{FieldValidUntil: errcode.ValidUntilMismatch}},
		"29 February plus 10 years is 28 February": {idCardForm, func(r *api.RegisterRequest) {
			r.DocNumber, r.ValidityTerm, r.ValidFrom, r.ValidUntil = bornFeb29, api.Term10Years, "2020-02-29", "2030-03-01"
		}, want{FieldValidUntil: errcode.ValidUntilMismatch}},
		"expired yesterday": {idCardForm, func(r *api.RegisterRequest) {
			r.ValidityTerm, r.ValidFrom, r.ValidUntil = api.Term10Years, "2015-06-14", "2025-06-14"
			r.DocNumber = idNumber("33010219950101001") // 20 in 2015
		}, want{FieldValidUntil: errcode.DocumentExpired}},
		"expired ten years ago": {idCardForm, func(r *api.RegisterRequest) {
			r.ValidityTerm, r.ValidFrom, r.ValidUntil = api.Term10Years, "2005-06-14", "2015-06-14"
			r.DocNumber = idNumber("33010219870315211") // 18 in 2005
		}, want{FieldValidUntil: errcode.DocumentExpired}},
		"expired, whatever end date typed": {idCardForm, func(r *api.RegisterRequest) {
			r.ValidityTerm, r.ValidFrom, r.ValidUntil = api.Term10Years, "2005-06-14", "2035-06-14"
		}, want{FieldValidUntil: errcode.DocumentExpired}},

		// Residence permits.
		"permit without a region": {permitForm, func(r *api.RegisterRequest) { r.Region = "" },
			want{FieldRegion: errcode.RegionInvalid}},
		"permit with an unknown region": {permitForm, func(r *api.RegisterRequest) { r.Region = "CN" },
			want{FieldRegion: errcode.RegionInvalid}},
		"Hong Kong number, Macau chosen": {permitForm, func(r *api.RegisterRequest) {
			r.Region, r.PermitNumber, r.LocalID = api.RegionMacau, "M12345678", "1234567(8)"
		}, want{FieldDocNumber: errcode.RegionMismatch}},
		"Hong Kong number, Taiwan chosen": {permitForm, func(r *api.RegisterRequest) {
			r.Region, r.PermitNumber, r.LocalID = api.RegionTaiwan, "12345678", "A123456789"
		}, want{FieldDocNumber: errcode.RegionMismatch}},
		"Taiwan number, Hong Kong chosen": {permitForm, func(r *api.RegisterRequest) { r.DocNumber = "83000019700312345X" },
			want{FieldDocNumber: errcode.RegionMismatch}},
		"mainland number as permit": {permitForm, func(r *api.RegisterRequest) { r.DocNumber = "330102198703152117" },
			want{FieldDocNumber: errcode.DocNumberRegion}},
		"Macau travel permit for Hong Kong": {permitForm, func(r *api.RegisterRequest) { r.PermitNumber = "M12345678" },
			want{FieldPermitNumber: errcode.PermitNumberRegion}},
		"no travel permit": {permitForm, func(r *api.RegisterRequest) { r.PermitNumber = "" },
			want{FieldPermitNumber: errcode.PermitNumberRequired}},
		"HKID check digit wrong": {permitForm, func(r *api.RegisterRequest) { r.LocalID = "A123456(4)" },
			want{FieldLocalID: errcode.LocalIDChecksum}},
		"Taiwan ID for Hong Kong": {permitForm, func(r *api.RegisterRequest) { r.LocalID = "A123456789" },
			want{FieldLocalID: errcode.LocalIDInvalid}},
		"permit for 10 years": {permitForm, func(r *api.RegisterRequest) { r.ValidityTerm, r.ValidUntil = api.Term10Years, "2031-07-01" },
			want{FieldValidityTerm: errcode.ValidityTermPermit}},
		"permit long-term": {permitForm, func(r *api.RegisterRequest) { r.ValidityTerm, r.ValidUntil = api.TermLongTerm, "" },
			want{FieldValidityTerm: errcode.ValidityTermPermit}},

		// Passwords, contacts, code and agreement.
		"password of 7": {idCardForm, func(r *api.RegisterRequest) { r.Password, r.PasswordConfirm = "Tq7#vLp", "Tq7#vLp" },
			want{FieldPassword: errcode.PasswordTooShort}},
		"password is the ID number": {idCardForm, func(r *api.RegisterRequest) {
			r.Password, r.PasswordConfirm = "330102198703152117", "330102198703152117"
		}, want{FieldPassword: errcode.PasswordPersonal}},
		"password contains the typed phone": {idCardForm, func(r *api.RegisterRequest) {
			r.Phone, r.Password, r.PasswordConfirm = "185-1234-1234", "a18512341234", "a18512341234"
		}, want{FieldPassword: errcode.PasswordPersonal}},
		"password contains the birth date": {idCardForm, func(r *api.RegisterRequest) {
			r.Password, r.PasswordConfirm = "hj1987-03-15", "hj1987-03-15"
		}, want{FieldPassword: errcode.PasswordPersonal}},
		"common password": {idCardForm, func(r *api.RegisterRequest) { r.Password, r.PasswordConfirm = "woaini1314", "woaini1314" },
			want{FieldPassword: errcode.PasswordCommon}},
		"confirmation differs": {idCardForm, func(r *api.RegisterRequest) { r.PasswordConfirm = "Tq7#vLp2y" },
			want{FieldPasswordConfirm: errcode.PasswordMismatch}},
		"bad e-mail": {idCardForm, func(r *api.RegisterRequest) { r.Email = "2812345678@qq" },
			want{FieldEmail: errcode.EmailInvalid}},
		"landline": {idCardForm, func(r *api.RegisterRequest) { r.Phone = "010-12345678" },
			want{FieldPhone: errcode.PhoneInvalid}},
		"unknown code source": {idCardForm, func(r *api.RegisterRequest) { r.CodeSource, r.Code = "email", "" },
			want{FieldCodeSource: errcode.CodeSourceInvalid}},
		"no code": {idCardForm, func(r *api.RegisterRequest) { r.Code = "" },
			want{FieldCode: errcode.CodeRequired}},
		"five-digit code by WeChat": {permitForm, func(r *api.RegisterRequest) { r.Code = "12345" },
			want{FieldCode: errcode.CodeFormat}},
		"code with a letter": {idCardForm, func(r *api.RegisterRequest) { r.Code = "12345a" },
			want{FieldCode: errcode.CodeFormat}},
		"not agreed": {idCardForm, func(r *api.RegisterRequest) { r.Agreed = false },
			want{FieldAgreed: errcode.AgreementRequired}},
	}
	for label, c := range cases {
		req := c.base()
		c.edit(req)
		r, errs := ValidateRegistration(req, today)
		if r != nil {
			t.Errorf("%s: accepted", label)
		}
		got := want{}
		for _, e := range errs {
			if _, dup := got[e.Field]; dup {
				t.Errorf("%s: two errors for %s", label, e.Field)
			}
			got[e.Field] = e.Code
		}
		if !sameErrors(got, c.want) {
			t.Errorf("%s:\n got %v\nwant %v", label, got, c.want)
		}
		// The client's single-field checks give the same answer.
		for field, code := range c.want {
			if h := fieldHelper(req, field); h != code {
				t.Errorf("%s: helper for %s gives %q, form gives %q", label, field, h, code)
			}
		}
	}
}

func sameErrors(a, b want) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// fieldHelper runs the single-field check the Wasm client uses for field, and returns the code
// it gives for that field.
func fieldHelper(req *api.RegisterRequest, field string) errcode.Code {
	var birth time.Time
	docNumber := document.NormalizeNumber(req.DocNumber)
	if id, err := document.Parse(req.DocType, "", req.DocNumber, today); err == nil {
		birth, docNumber = id.BirthDate, id.Number
	}
	var err error
	switch field {
	case FieldDocType:
		err = ValidateDocType(req.DocType)
	case FieldRegion:
		err = ValidateRegion(req.DocType, req.Region)
	case FieldDocNumber:
		err = ValidateDocNumber(req.DocType, req.Region, req.DocNumber, today)
	case FieldName:
		err = ValidateName(req.Name)
	case FieldPermitNumber:
		err = ValidatePermitNumber(req.Region, req.PermitNumber)
	case FieldLocalID:
		err = ValidateLocalID(req.Region, req.LocalID)
	case FieldValidityTerm, FieldValidFrom, FieldValidUntil:
		for _, e := range ValidateValidity(req.DocType, birth, req.ValidityTerm, req.ValidFrom, req.ValidUntil, today) {
			if e.Field == field {
				return e.Code
			}
		}
		return ""
	case FieldPassword:
		phone, _ := contact.NormalizePhone(req.Phone)
		err = ValidatePassword(req.Password, password.Personal{DocNumber: docNumber, Phone: phone, BirthDate: birth})
	case FieldPasswordConfirm:
		err = ValidatePasswordConfirm(req.Password, req.PasswordConfirm)
	case FieldEmail:
		err = ValidateEmail(req.Email)
	case FieldPhone:
		err = ValidatePhone(req.Phone)
	case FieldCodeSource:
		err = ValidateCodeSource(req.CodeSource)
	case FieldCode:
		err = ValidateCode(req.Code)
	case FieldAgreed:
		return errcode.AgreementRequired
	}
	if err == nil {
		return ""
	}
	e := err.(*errcode.Error)
	if e.Field != field {
		return errcode.Code("wrong field " + e.Field)
	}
	return e.Code
}

func TestValidityBands(t *testing.T) {
	// Every band boundary of a holder born 2000-06-15, as the client checks it.
	birth := date("2000-06-15")
	cases := []struct {
		term, from string
		ok         bool
	}{
		{api.Term5Years, "2016-06-14", true},
		{api.Term10Years, "2016-06-14", false},
		{api.Term10Years, "2016-06-15", true},
		{api.Term20Years, "2016-06-15", false},
		{api.Term10Years, "2025-06-14", true}, // 24, the 26th birthday is yet to come
	}
	for _, c := range cases {
		end, _ := document.TermEnd(c.term, date(c.from))
		errs := ValidateValidity(api.DocIDCard, birth, c.term, c.from, document.FormatDate(end), today)
		if ok := len(errs) == 0 || (len(errs) == 1 && errs[0].Code == errcode.DocumentExpired); ok != c.ok {
			t.Errorf("%s from %s: %v", c.term, c.from, errs)
		}
	}
}

func TestErrorsInFormOrder(t *testing.T) {
	_, errs := ValidateRegistration(&api.RegisterRequest{}, today)
	order := []string{FieldDocType, FieldDocNumber, FieldName, FieldRegion, FieldPermitNumber, FieldLocalID,
		FieldValidityTerm, FieldValidFrom, FieldValidUntil, FieldPassword, FieldPasswordConfirm, FieldEmail,
		FieldPhone, FieldCodeSource, FieldCode, FieldAgreed}
	pos := map[string]int{}
	for i, f := range order {
		pos[f] = i
	}
	if !sort.SliceIsSorted(errs, func(i, j int) bool { return pos[errs[i].Field] < pos[errs[j].Field] }) {
		var fields []string
		for _, e := range errs {
			fields = append(fields, e.Field)
		}
		t.Errorf("errors out of form order: %s", strings.Join(fields, ", "))
	}
}

func FuzzValidateRegistration(f *testing.F) {
	f.Add(api.DocIDCard, "330102198703152117", "郝京", "", "", "", api.Term20Years, "2015-03-20", "2035-03-20", "Tq7#vLp2x", "2812345678@qq.com", "18512341234", "123456")
	f.Add(api.DocResidencePermit, "810000199001011230", "周江", api.RegionHongKong, "H00367998", "A123456(3)", api.Term5Years, "2021-07-01", "2026-07-01", "Tq7#vLp2x", "testtest@163.com", "+86 185 1234 1234", "654321")
	f.Add(api.DocIDCard, " 11010519491231002x ", "买买提•艾力", "", "", "", api.TermLongTerm, "2000-01-01", "", "教师资格网账号安全", " A@B.CN ", "185-1234-1234", " 000000 ")
	f.Fuzz(func(t *testing.T, docType, docNumber, nm, region, permit, localID, term, from, until, pw, email, phone, code string) {
		req := &api.RegisterRequest{
			DocType: docType, DocNumber: docNumber, Name: nm, Region: region, PermitNumber: permit,
			LocalID: localID, ValidityTerm: term, ValidFrom: from, ValidUntil: until, Password: pw,
			PasswordConfirm: pw, Email: email, Phone: phone, CodeSource: api.CodeBySMS, Code: code, Agreed: true,
		}
		r, errs := ValidateRegistration(req, today)
		if (r == nil) == (errs == nil) {
			t.Fatalf("result %+v with errors %v", r, errs)
		}
		for _, e := range errs {
			if e.Field == "" || !e.Code.Known() {
				t.Fatalf("error without field or unknown code: %+v", e)
			}
		}
		if r == nil {
			return
		}
		// The normalised values form a request that is accepted as it is.
		again := &api.RegisterRequest{
			DocType: r.DocType, DocNumber: r.DocNumber, Name: r.Name, Region: r.Region,
			PermitNumber: r.PermitNumber, LocalID: r.LocalID, ValidityTerm: r.ValidityTerm,
			ValidFrom: document.FormatDate(r.ValidFrom), Password: r.Password, PasswordConfirm: r.Password,
			Email: r.Email, Phone: r.Phone, CodeSource: r.CodeSource, Code: r.Code, Agreed: true,
		}
		if !r.ValidUntil.IsZero() {
			again.ValidUntil = document.FormatDate(r.ValidUntil)
		}
		r2, errs := ValidateRegistration(again, today)
		if errs != nil || *r2 != *r {
			t.Fatalf("normalised %+v re-validates to %+v, %v", *r, r2, errs)
		}
	})
}
