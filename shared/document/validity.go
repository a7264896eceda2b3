package document

import (
	"strings"
	"time"

	"jszg/shared/api"
)

// DateLayout is how the API writes dates: YYYY-MM-DD.
const DateLayout = "2006-01-02"

// IssueLeeway is how long before a card's start date its holder may have applied for it. The
// 居民身份证法 sets the term by the holder's age when applying, but the card shows the issue
// date, which the police must meet within 60 days of the application, extendable by 30 days in
// remote areas (第十一条). A holder who applied shortly before a birthday that changes the term
// therefore carries a card whose start date already falls in the next age band.
const IssueLeeway = 90 * 24 * time.Hour

// ParseDate reads a YYYY-MM-DD date (surrounding spaces ignored) as UTC midnight. It refuses
// anything else, including impossible days such as 2023-02-29.
func ParseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if len(s) != len(DateLayout) {
		return time.Time{}, false
	}
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}

// FormatDate writes t's calendar date as YYYY-MM-DD.
func FormatDate(t time.Time) string { return t.Format(DateLayout) }

// day returns t's calendar date (in t's own location) at UTC midnight, so that dates from
// different sources compare by day.
func day(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// AddYears returns the same month and day n years after t, at UTC midnight. A 29 February
// with no counterpart in the target year becomes 28 February: the Civil Code counts a period in
// years to "the corresponding day of the final month, or the last day of that month when it has
// no corresponding day" (民法典 第二百零二条). The same rule decides when someone born on
// 29 February turns a year older.
func AddYears(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	y += n
	if m == time.February && d == 29 && !isLeap(y) {
		d = 28
	}
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

// AgeAt returns the age in completed years, on the date at, of someone born on birth; it is
// negative when at is before birth.
func AgeAt(birth, at time.Time) int {
	birth, at = day(birth), day(at)
	age := at.Year() - birth.Year()
	if AddYears(birth, age).After(at) {
		age--
	}
	return age
}

// TermForAge returns the validity term of a mainland ID card issued to a holder of the given
// age (居民身份证法 第五条): under 16, 5 years; 16–25, 10 years; 26–45, 20 years; 46 and over,
// long-term.
func TermForAge(age int) string {
	switch {
	case age < 16:
		return api.Term5Years
	case age <= 25:
		return api.Term10Years
	case age <= 45:
		return api.Term20Years
	}
	return api.TermLongTerm
}

// ValidTerm reports whether term is one of the product's validity terms.
func ValidTerm(term string) bool {
	switch term {
	case api.Term5Years, api.Term10Years, api.Term20Years, api.TermLongTerm:
		return true
	}
	return false
}

// TermAllowed reports whether a document of the given type, starting on from, may have the given
// term. A residence permit always runs 5 years. A mainland ID card's term follows the holder's
// age when applying, which lies between IssueLeeway before the start date and the start date
// itself; either band is accepted.
func TermAllowed(docType, term string, birth, from time.Time) bool {
	if docType == api.DocResidencePermit {
		return term == api.Term5Years
	}
	return term == TermForAge(AgeAt(birth, from)) ||
		term == TermForAge(AgeAt(birth, day(from).Add(-IssueLeeway)))
}

// TermEnd returns the end date of a document starting on from with the given term: from plus 5,
// 10 or 20 years by AddYears. It returns false for the long term, which has no end date, and for
// an unknown term.
func TermEnd(term string, from time.Time) (time.Time, bool) {
	switch term {
	case api.Term5Years:
		return AddYears(from, 5), true
	case api.Term10Years:
		return AddYears(from, 10), true
	case api.Term20Years:
		return AddYears(from, 20), true
	}
	return time.Time{}, false
}

// Expired reports whether a document ending on until is no longer valid on today. The end date
// itself is the last valid day.
func Expired(until, today time.Time) bool { return day(until).Before(day(today)) }

// InFuture reports whether the date d is after today.
func InFuture(d, today time.Time) bool { return day(d).After(day(today)) }
