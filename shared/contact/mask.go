package contact

import (
	"strings"
	"time"
	"unicode/utf8"
)

// The masks show just enough for the owner to recognise a value and hide the rest. They always
// put the same number of stars, whatever the length hidden, except for names, so a masked
// value does not tell how long the value is.

// MaskDocNumber keeps the first 2 and last 2 characters of a document number:
// 110105…002X becomes 11****2X. A value of 4 characters or fewer is hidden whole.
func MaskDocNumber(s string) string { return keepEnds(s, 2, 2) }

// MaskPermitNumber masks a travel permit number like a document number: H00367998 becomes
// H0****98.
func MaskPermitNumber(s string) string { return keepEnds(s, 2, 2) }

// MaskPhone keeps the first 3 and last 4 digits of a mobile number: 185****1234.
func MaskPhone(s string) string { return keepEnds(s, 3, 4) }

// MaskEmail keeps the first character of the local part and the whole domain, so the owner
// knows which mailbox to open: 28xxxxxx@qq.com becomes 2*****@qq.com. A value without a local
// part and domain is hidden whole.
func MaskEmail(s string) string {
	if s == "" {
		return ""
	}
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" {
		return stars
	}
	r, _ := utf8.DecodeRuneInString(local)
	return string(r) + "*****@" + domain
}

// MaskName replaces every character but the last with a star, one star per character, the
// separator included: 郝京 becomes *京, 买买提·艾力 becomes *****力. The number of stars is kept
// because the owner recognises a name by its length as much as by its last character. A
// one-character name is hidden whole.
func MaskName(s string) string {
	n := utf8.RuneCountInString(s)
	if n <= 1 {
		return strings.Repeat("*", n)
	}
	last, _ := utf8.DecodeLastRuneInString(s)
	return strings.Repeat("*", n-1) + string(last)
}

// MaskBirthDate keeps the year of a birth date: 1987-**-**. The zero time gives "".
func MaskBirthDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006") + "-**-**"
}

const stars = "****"

// keepEnds keeps the first and last characters of s around four stars; a value too short to
// hide anything that way becomes just the stars.
func keepEnds(s string, first, last int) string {
	r := []rune(s)
	if len(r) <= first+last {
		if len(r) == 0 {
			return ""
		}
		return stars
	}
	return string(r[:first]) + stars + string(r[len(r)-last:])
}
