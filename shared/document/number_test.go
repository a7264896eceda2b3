package document

import (
	"testing"
	"time"

	"jszg/shared/api"
	"jszg/shared/errcode"
)

var today = time.Date(2025, 6, 15, 0, 0, 0, 0, time.UTC)

func date(s string) time.Time {
	t, ok := ParseDate(s)
	if !ok {
		panic("bad test date " + s)
	}
	return t
}

func TestChecksumChar(t *testing.T) {
	// The two examples printed in GB 11643-1999, and a few computed by hand.
	for _, n := range []string{
		"11010519491231002X",
		"440524188001010014",
		"330102198703152117",
		"810000199001011230",
		"83000019700312345X",
	} {
		got, ok := ChecksumChar(n[:17])
		if !ok || got != n[17] {
			t.Errorf("ChecksumChar(%s) = %c, want %c", n[:17], got, n[17])
		}
	}
	for _, bad := range []string{"", "1234567890123456", "1101051949123100A"} {
		if _, ok := ChecksumChar(bad); ok {
			t.Errorf("ChecksumChar(%q) accepted", bad)
		}
	}
}

func TestParseIDCard(t *testing.T) {
	valid := map[string]struct {
		number string
		birth  string
		sex    string
	}{
		"11010519491231002X":       {"11010519491231002X", "1949-12-31", SexFemale},
		"11010519491231002x":       {"11010519491231002X", "1949-12-31", SexFemale},
		"  330102198703152117\t":   {"330102198703152117", "1987-03-15", SexMale},
		"\u3000330102198703152117": {"330102198703152117", "1987-03-15", SexMale},
		"３３０１０２１９８７０３１５２１１７": {"330102198703152117", "1987-03-15", SexMale},
		"11010519491231002Ｘ":       {"11010519491231002X", "1949-12-31", SexFemale},
		"11010519491231002ｘ":       {"11010519491231002X", "1949-12-31", SexFemale},
		"\ufeff330102198703152117": {"330102198703152117", "1987-03-15", SexMale},
		"11010120000229123X":       {"11010120000229123X", "2000-02-29", SexMale},
		"710000199001010015":       {"710000199001010015", "1990-01-01", SexMale},
		"831234199001010018":       {"831234199001010018", "1990-01-01", SexMale},
	}
	for in, want := range valid {
		id, err := ParseIDCard(in, today)
		if err != nil {
			t.Errorf("ParseIDCard(%q): %v", in, err)
			continue
		}
		if id.Number != want.number || !id.BirthDate.Equal(date(want.birth)) || id.Sex != want.sex || id.Region != "" {
			t.Errorf("ParseIDCard(%q) = %+v, want %+v", in, id, want)
		}
	}

	invalid := map[string]errcode.Code{
		"":                    errcode.DocNumberRequired,
		"   ":                 errcode.DocNumberRequired,
		"11010519491231002":   errcode.DocNumberFormat,   // 17 characters
		"11010519491231002X1": errcode.DocNumberFormat,   // 19 characters
		"1101051949123100 2X": errcode.DocNumberFormat,   // inner space
		"110105194912310 2X":  errcode.DocNumberFormat,   // inner space, 18 characters
		"11010519491231002Y":  errcode.DocNumberFormat,   // only X may end a number
		"X10105194912310020":  errcode.DocNumberFormat,   // X only at the end
		"110105194912310039":  errcode.DocNumberChecksum, // check digit of ...0038 changed
		"110105194912310020":  errcode.DocNumberChecksum, // wrong check digit
		"440524188001010014":  errcode.DocNumberBirthDate,
		"110101201002291234":  errcode.DocNumberBirthDate, // 2010-02-29 does not exist
		"810000199001011230":  errcode.DocNumberIsPermit,
		"820000198506152343":  errcode.DocNumberIsPermit,
		"83000019700312345X":  errcode.DocNumberIsPermit,
	}
	// A birth date in the future and unknown province codes, with correct check characters.
	for _, body := range []string{"11010120251231001", "99010119900101001", "16010119900101001"} {
		c, _ := ChecksumChar(body)
		n := body + string(c)
		switch body[:2] {
		case "11":
			invalid[n] = errcode.DocNumberBirthDate
		default:
			invalid[n] = errcode.DocNumberRegion
		}
	}
	for in, want := range invalid {
		_, err := ParseIDCard(in, today)
		if got := errcode.Of(err); got != want {
			t.Errorf("ParseIDCard(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseIDCardBirthDateToday(t *testing.T) {
	body := "110101" + "20250615" + "001"
	c, _ := ChecksumChar(body)
	n := body + string(c)
	if _, err := ParseIDCard(n, today); err != nil {
		t.Errorf("born today: %v", err)
	}
	if _, err := ParseIDCard(n, today.AddDate(0, 0, -1)); errcode.Of(err) != errcode.DocNumberBirthDate {
		t.Errorf("born tomorrow accepted")
	}
	body = "110101" + "19000101" + "001"
	c, _ = ChecksumChar(body)
	if _, err := ParseIDCard(body+string(c), today); err != nil {
		t.Errorf("born 1900-01-01: %v", err)
	}
}

func TestParseResidencePermit(t *testing.T) {
	valid := []struct {
		number, region string
		want           string
		wantRegion     string
	}{
		{"810000199001011230", api.RegionHongKong, "810000199001011230", api.RegionHongKong},
		{"820000198506152343", api.RegionMacau, "820000198506152343", api.RegionMacau},
		{"83000019700312345x", api.RegionTaiwan, "83000019700312345X", api.RegionTaiwan},
		{"810000200002290011", "", "810000200002290011", api.RegionHongKong},
	}
	for _, c := range valid {
		id, err := ParseResidencePermit(c.number, c.region, today)
		if err != nil {
			t.Errorf("ParseResidencePermit(%q, %q): %v", c.number, c.region, err)
			continue
		}
		if id.Number != c.want || id.Region != c.wantRegion {
			t.Errorf("ParseResidencePermit(%q, %q) = %+v", c.number, c.region, id)
		}
	}

	invalid := []struct {
		number, region string
		want           errcode.Code
	}{
		// Every region against every other region's prefix.
		{"810000199001011230", api.RegionMacau, errcode.RegionMismatch},
		{"810000199001011230", api.RegionTaiwan, errcode.RegionMismatch},
		{"820000198506152343", api.RegionHongKong, errcode.RegionMismatch},
		{"820000198506152343", api.RegionTaiwan, errcode.RegionMismatch},
		{"83000019700312345X", api.RegionHongKong, errcode.RegionMismatch},
		{"83000019700312345X", api.RegionMacau, errcode.RegionMismatch},
		// A mainland number, or an 83 number without the permit prefix.
		{"330102198703152117", api.RegionHongKong, errcode.DocNumberRegion},
		{"831234199001010018", api.RegionTaiwan, errcode.DocNumberRegion},
		{"710000199001010015", api.RegionTaiwan, errcode.DocNumberRegion},
		{"810000199001011231", api.RegionHongKong, errcode.DocNumberChecksum},
		{"", api.RegionHongKong, errcode.DocNumberRequired},
	}
	for _, c := range invalid {
		_, err := ParseResidencePermit(c.number, c.region, today)
		if got := errcode.Of(err); got != c.want {
			t.Errorf("ParseResidencePermit(%q, %q) = %q, want %q", c.number, c.region, got, c.want)
		}
	}
}

func TestParse(t *testing.T) {
	if _, err := Parse("passport", "", "330102198703152117", today); errcode.Of(err) != errcode.DocTypeInvalid {
		t.Errorf("unknown document type accepted")
	}
	if id, err := Parse(api.DocIDCard, "", "330102198703152117", today); err != nil || id.Region != "" {
		t.Errorf("ID card: %+v %v", id, err)
	}
	if id, err := Parse(api.DocResidencePermit, api.RegionTaiwan, "83000019700312345X", today); err != nil || id.Region != api.RegionTaiwan {
		t.Errorf("residence permit: %+v %v", id, err)
	}
}

func TestParsePermitNumber(t *testing.T) {
	valid := []struct{ region, in, want string }{
		{api.RegionHongKong, "H00367998", "H00367998"}, // the example on the profile page
		{api.RegionHongKong, "h00367998", "H00367998"},
		{api.RegionHongKong, " H0036799812 ", "H0036799812"},
		{api.RegionHongKong, "Ｈ００３６７９９８", "H00367998"},
		{api.RegionMacau, "M12345678", "M12345678"},
		{api.RegionMacau, "m1234567890", "M1234567890"},
		{api.RegionTaiwan, "12345678", "12345678"},
		{api.RegionTaiwan, " 01234567 ", "01234567"},
	}
	for _, c := range valid {
		got, err := ParsePermitNumber(c.region, c.in)
		if err != nil || got != c.want {
			t.Errorf("ParsePermitNumber(%q, %q) = %q, %v; want %q", c.region, c.in, got, err, c.want)
		}
	}
	invalid := []struct {
		region, in string
		want       errcode.Code
	}{
		{api.RegionHongKong, "", errcode.PermitNumberRequired},
		{api.RegionHongKong, "M12345678", errcode.PermitNumberRegion},
		{api.RegionMacau, "H12345678", errcode.PermitNumberRegion},
		{api.RegionHongKong, "H1234567", errcode.PermitNumberInvalid},     // 7 digits
		{api.RegionHongKong, "H123456789", errcode.PermitNumberInvalid},   // 9 digits
		{api.RegionHongKong, "H12345678901", errcode.PermitNumberInvalid}, // 11 digits
		{api.RegionHongKong, "12345678", errcode.PermitNumberInvalid},
		{api.RegionHongKong, "X12345678", errcode.PermitNumberInvalid},
		{api.RegionHongKong, "H1234 5678", errcode.PermitNumberInvalid},
		{api.RegionMacau, "M1234567A", errcode.PermitNumberInvalid},
		{api.RegionTaiwan, "H12345678", errcode.PermitNumberInvalid},
		{api.RegionTaiwan, "1234567", errcode.PermitNumberInvalid},
		{api.RegionTaiwan, "123456789", errcode.PermitNumberInvalid},
		{api.RegionTaiwan, "1234567890", errcode.PermitNumberInvalid},
		{"", "H12345678", errcode.RegionInvalid},
		{"CN", "12345678", errcode.RegionInvalid},
	}
	for _, c := range invalid {
		_, err := ParsePermitNumber(c.region, c.in)
		if got := errcode.Of(err); got != c.want {
			t.Errorf("ParsePermitNumber(%q, %q) = %q, want %q", c.region, c.in, got, c.want)
		}
	}
}
