package document

import (
	"testing"

	"jszg/shared/api"
)

func TestParseDate(t *testing.T) {
	valid := map[string]string{
		"2025-06-15":   "2025-06-15",
		" 2000-02-29 ": "2000-02-29",
		"1900-01-01":   "1900-01-01",
	}
	for in, want := range valid {
		got, ok := ParseDate(in)
		if !ok || FormatDate(got) != want || got.Location().String() != "UTC" || got.Hour() != 0 {
			t.Errorf("ParseDate(%q) = %v, %v; want %s", in, got, ok, want)
		}
	}
	for _, in := range []string{
		"", "2025-6-15", "2025-06-5", "20250615", "2025/06/15", "2023-02-29", "2025-13-01",
		"2025-00-10", "2025-06-31", "2025-06-15T00:00:00Z", "15-06-2025", "+025-06-15",
	} {
		if _, ok := ParseDate(in); ok {
			t.Errorf("ParseDate(%q) accepted", in)
		}
	}
}

func TestAddYears(t *testing.T) {
	cases := []struct {
		from  string
		years int
		want  string
	}{
		{"2018-07-01", 5, "2023-07-01"}, // the permit on the profile page
		{"2015-03-15", 10, "2025-03-15"},
		{"2020-02-29", 5, "2025-02-28"},  // no 29 February in 2025: last day of the month
		{"2020-02-29", 4, "2024-02-29"},  // leap to leap
		{"2000-02-29", 20, "2020-02-29"}, // 2000 and 2020 are leap years
		{"2000-02-29", 100, "2100-02-28"},
		{"2019-02-28", 5, "2024-02-28"}, // 28 February stays 28 February
		{"2019-03-01", 1, "2020-03-01"},
	}
	for _, c := range cases {
		if got := FormatDate(AddYears(date(c.from), c.years)); got != c.want {
			t.Errorf("AddYears(%s, %d) = %s, want %s", c.from, c.years, got, c.want)
		}
	}
}

func TestAgeAt(t *testing.T) {
	cases := []struct {
		birth, at string
		want      int
	}{
		{"2009-06-15", "2025-06-14", 15},
		{"2009-06-15", "2025-06-15", 16}, // the 16th birthday itself
		{"2000-02-29", "2016-02-28", 15}, // 2016 has a 29 February
		{"2000-02-29", "2016-02-29", 16},
		{"2000-02-29", "2017-02-27", 16},
		{"2000-02-29", "2017-02-28", 17}, // no 29 February in 2017: a year older on the 28th
		{"2000-01-01", "1999-12-31", -1},
	}
	for _, c := range cases {
		if got := AgeAt(date(c.birth), date(c.at)); got != c.want {
			t.Errorf("AgeAt(%s, %s) = %d, want %d", c.birth, c.at, got, c.want)
		}
	}
}

func TestTermForAge(t *testing.T) {
	want := map[int]string{
		0: api.Term5Years, 15: api.Term5Years,
		16: api.Term10Years, 25: api.Term10Years,
		26: api.Term20Years, 45: api.Term20Years,
		46: api.TermLongTerm, 90: api.TermLongTerm,
	}
	for age, term := range want {
		if got := TermForAge(age); got != term {
			t.Errorf("TermForAge(%d) = %s, want %s", age, got, term)
		}
	}
}

func TestTermAllowed(t *testing.T) {
	const birth = "2000-06-15"
	cases := []struct {
		docType, term, from string
		want                bool
	}{
		// Each band boundary, by the age on the start date.
		{api.DocIDCard, api.Term5Years, "2016-06-14", true},    // 15
		{api.DocIDCard, api.Term10Years, "2016-06-14", false},  // 15
		{api.DocIDCard, api.Term10Years, "2016-06-15", true},   // 16th birthday
		{api.DocIDCard, api.Term10Years, "2026-06-14", true},   // 25
		{api.DocIDCard, api.Term20Years, "2026-06-14", false},  // 25
		{api.DocIDCard, api.Term20Years, "2026-06-15", true},   // 26th birthday
		{api.DocIDCard, api.Term20Years, "2046-06-14", true},   // 45
		{api.DocIDCard, api.TermLongTerm, "2046-06-14", false}, // 45
		{api.DocIDCard, api.TermLongTerm, "2046-06-15", true},  // 46th birthday
		{api.DocIDCard, api.Term5Years, "2046-06-15", false},   // 46
		{api.DocIDCard, api.Term20Years, "2016-06-15", false},  // 16
		{api.DocIDCard, api.TermLongTerm, "2026-06-15", false}, // 26
		{api.DocIDCard, api.Term10Years, "2000-06-15", false},  // a new-born
		{api.DocIDCard, api.Term5Years, "2000-06-15", true},    // a new-born
		{api.DocIDCard, "3y", "2016-06-15", false},             // no such term
		{api.DocResidencePermit, api.Term5Years, "2026-06-15", true},
		{api.DocResidencePermit, api.Term10Years, "2016-06-15", false},
		{api.DocResidencePermit, api.Term20Years, "2026-06-15", false},
		{api.DocResidencePermit, api.TermLongTerm, "2046-06-15", false},
		// Applied at 15 just before the 16th birthday, issued after it: both bands are right
		// within IssueLeeway (90 days) of the birthday, only the new one after.
		{api.DocIDCard, api.Term5Years, "2016-06-15", true},
		{api.DocIDCard, api.Term5Years, "2016-09-12", true},  // 90 days before: the day before the birthday
		{api.DocIDCard, api.Term5Years, "2016-09-13", false}, // 90 days before: the birthday itself
		{api.DocIDCard, api.Term20Years, "2046-07-01", true},
		{api.DocIDCard, api.Term20Years, "2046-09-13", false},
	}
	for _, c := range cases {
		if got := TermAllowed(c.docType, c.term, date(birth), date(c.from)); got != c.want {
			t.Errorf("TermAllowed(%s, %s, born %s, from %s) = %v, want %v", c.docType, c.term, birth, c.from, got, c.want)
		}
	}
}

func TestTermEnd(t *testing.T) {
	cases := []struct {
		term, from, want string
	}{
		{api.Term5Years, "2018-07-01", "2023-07-01"},
		{api.Term10Years, "2020-02-29", "2030-02-28"},
		{api.Term20Years, "2004-02-29", "2024-02-29"},
		{api.TermLongTerm, "2004-02-29", ""},
		{"forever", "2004-02-29", ""},
	}
	for _, c := range cases {
		end, ok := TermEnd(c.term, date(c.from))
		got := ""
		if ok {
			got = FormatDate(end)
		}
		if got != c.want {
			t.Errorf("TermEnd(%s, %s) = %q, want %q", c.term, c.from, got, c.want)
		}
	}
}

func TestExpired(t *testing.T) {
	if Expired(date("2025-06-15"), today) {
		t.Error("a document ending today counts as expired")
	}
	if !Expired(date("2025-06-14"), today) {
		t.Error("a document that ended yesterday counts as valid")
	}
	if InFuture(today, today) || !InFuture(date("2025-06-16"), today) {
		t.Error("InFuture wrong around today")
	}
}
