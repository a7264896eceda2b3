package document

import (
	"testing"

	"jszg/shared/api"
)

// checkIDNumber asserts what every accepted 18-character number must satisfy: it is normalised
// (re-parsing gives the same result), its check character is right and its birth date and sex
// agree with its digits.
func checkIDNumber(t *testing.T, in string, id *IDNumber, reparse func(string) (*IDNumber, error)) {
	t.Helper()
	n := id.Number
	if len(n) != 18 {
		t.Fatalf("%q accepted as %q", in, n)
	}
	if c, ok := ChecksumChar(n); !ok || c != n[17] {
		t.Fatalf("%q accepted with a wrong check character", in)
	}
	if FormatDate(id.BirthDate) != n[6:10]+"-"+n[10:12]+"-"+n[12:14] || id.BirthDate.After(today) {
		t.Fatalf("%q: birth date %v", in, id.BirthDate)
	}
	if (id.Sex == SexMale) != ((n[16]-'0')%2 == 1) {
		t.Fatalf("%q: sex %s", in, id.Sex)
	}
	again, err := reparse(n)
	if err != nil || *again != *id {
		t.Fatalf("%q normalised to %q, which re-parses to %+v, %v", in, n, again, err)
	}
}

func FuzzParseIDCard(f *testing.F) {
	for _, s := range []string{
		"11010519491231002X", "11010519491231002x", " 330102198703152117 ", "440524188001010014",
		"810000199001011230", "３３０１０２１９８７０３１５２１１７", "", "x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ParseIDCard(s, today)
		if err != nil {
			return
		}
		checkIDNumber(t, s, id, func(n string) (*IDNumber, error) { return ParseIDCard(n, today) })
		if id.Region != "" {
			t.Fatalf("%q: ID card with region %q", s, id.Region)
		}
	})
}

func FuzzParseResidencePermit(f *testing.F) {
	for _, s := range []string{
		"810000199001011230", "820000198506152343", "83000019700312345x", "330102198703152117", "",
	} {
		for _, r := range []string{"", api.RegionHongKong, api.RegionMacau, api.RegionTaiwan} {
			f.Add(s, r)
		}
	}
	f.Fuzz(func(t *testing.T, s, region string) {
		id, err := ParseResidencePermit(s, region, today)
		if err != nil {
			return
		}
		if permitPrefixes[id.Number[:6]] != id.Region || (region != "" && region != id.Region) {
			t.Fatalf("%q, %q: accepted with region %q", s, region, id.Region)
		}
		checkIDNumber(t, s, id, func(n string) (*IDNumber, error) { return ParseResidencePermit(n, id.Region, today) })
	})
}

func FuzzParsePermitNumber(f *testing.F) {
	for _, s := range []string{"H00367998", "h0036799812", "M12345678", "12345678", "Ｈ００３６７９９８", ""} {
		for _, r := range []string{api.RegionHongKong, api.RegionMacau, api.RegionTaiwan} {
			f.Add(r, s)
		}
	}
	f.Fuzz(func(t *testing.T, region, s string) {
		n, err := ParsePermitNumber(region, s)
		if err != nil {
			return
		}
		if again, err := ParsePermitNumber(region, n); err != nil || again != n {
			t.Fatalf("%q normalised to %q, which re-parses to %q, %v", s, n, again, err)
		}
		switch region {
		case api.RegionHongKong:
			if n[0] != 'H' {
				t.Fatalf("Hong Kong permit %q", n)
			}
		case api.RegionMacau:
			if n[0] != 'M' {
				t.Fatalf("Macau permit %q", n)
			}
		default:
			if len(n) != 8 || !allDigits(n) {
				t.Fatalf("Taiwan permit %q", n)
			}
		}
	})
}

// fuzzLocalID runs the shared property of the local ID parsers: an accepted number is in its
// normal form, so it re-parses to itself.
func fuzzLocalID(f *testing.F, parse func(string) (string, error), seeds ...string) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := parse(s)
		if err != nil {
			return
		}
		if again, err := parse(n); err != nil || again != n {
			t.Fatalf("%q normalised to %q, which re-parses to %q, %v", s, n, again, err)
		}
	})
}

func FuzzParseHKID(f *testing.F) {
	fuzzLocalID(f, func(s string) (string, error) {
		n, err := ParseHKID(s)
		if err == nil && hkidCheck(n[:len(n)-3]) != n[len(n)-2] {
			panic("accepted a wrong HKID check character: " + n)
		}
		return n, err
	}, "A123456(3)", "A1234563", "g123456(a)", "AB987654(3)", "A123456（3）", ")", "")
}

func FuzzParseMacauID(f *testing.F) {
	fuzzLocalID(f, ParseMacauID, "1234567(8)", "12345678", "5123456(0)", "(", "")
}

func FuzzParseTaiwanID(f *testing.F) {
	fuzzLocalID(f, func(s string) (string, error) {
		n, err := ParseTaiwanID(s)
		if err == nil && taiwanCheck(n) != n[9] {
			panic("accepted a wrong Taiwan check digit: " + n)
		}
		return n, err
	}, "A123456789", "a123456789", "A800000014", "O100000004", "")
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2025-06-15", "2000-02-29", "2023-02-29", " 2018-07-01 ", "", "9999-12-31"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := ParseDate(s)
		if !ok {
			return
		}
		out := FormatDate(d)
		if again, ok := ParseDate(out); !ok || !again.Equal(d) || d.Hour() != 0 || d.Location().String() != "UTC" {
			t.Fatalf("%q parsed to %v, formatted %q, re-parsed %v %v", s, d, out, again, ok)
		}
	})
}
