// Package document holds the rules of the identity documents an applicant registers with: the
// 18-character numbers of the mainland resident ID card (居民身份证) and of the residence permit
// for Hong Kong, Macau and Taiwan residents (港澳台居民居住证), the travel permit numbers
// (通行证号码) and local ID numbers (香港/澳门/台湾身份证) a permit holder also gives, and the
// validity term (有效时间段) of a document. It is pure Go with no I/O and no clock of its own, so
// the server and the Wasm client compile the same rules and give the same answer; callers pass
// "today" in. Every error it returns is an *errcode.Error.
package document

import (
	"strings"
	"time"
	"unicode"

	"jszg/shared/api"
	"jszg/shared/errcode"
)

// IDNumber is an accepted 18-character document number and what it tells about its holder.
type IDNumber struct {
	// Number is the normalised number: 17 digits and a check character, X upper-case.
	Number string
	// Region is api.RegionHongKong, api.RegionMacau or api.RegionTaiwan for a residence permit,
	// read from the number's prefix; empty for a mainland ID card.
	Region string
	// BirthDate comes from digits 7–14, at UTC midnight.
	BirthDate time.Time
	// Sex is 男 when the 17th digit is odd, else 女.
	Sex string
}

// Sexes as shown in the product.
const (
	SexMale   = "男"
	SexFemale = "女"
)

// earliestBirth bounds the birth date in a number: nobody registering was born before 1900, and
// an earlier date is far more likely a typing error.
var earliestBirth = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)

// provinces are the province-level codes (GB/T 2260) a number may begin with: the 34
// province-level divisions, plus 83, which only Taiwan residents' permits use.
var provinces = map[string]bool{
	"11": true, "12": true, "13": true, "14": true, "15": true,
	"21": true, "22": true, "23": true,
	"31": true, "32": true, "33": true, "34": true, "35": true, "36": true, "37": true,
	"41": true, "42": true, "43": true, "44": true, "45": true, "46": true,
	"50": true, "51": true, "52": true, "53": true, "54": true,
	"61": true, "62": true, "63": true, "64": true, "65": true,
	"71": true, "81": true, "82": true, "83": true,
}

// permitPrefixes maps the fixed first six digits of a residence permit number to its region.
var permitPrefixes = map[string]string{
	"810000": api.RegionHongKong,
	"820000": api.RegionMacau,
	"830000": api.RegionTaiwan,
}

// weights and checkChars are GB 11643-1999's: the weighted sum of the first 17 digits, mod 11,
// picks the check character.
var (
	weights    = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	checkChars = "10X98765432"
)

// ChecksumChar returns the GB 11643-1999 check character of the first 17 digits of body, and
// false when body does not start with 17 ASCII digits.
func ChecksumChar(body string) (byte, bool) {
	if len(body) < 17 {
		return 0, false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		c := body[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		sum += int(c-'0') * weights[i]
	}
	return checkChars[sum%11], true
}

// NormalizeNumber applies what the parsers forgive before checking anything: surrounding spaces
// (including the ideographic space and zero-width characters pasted from chat apps) are trimmed,
// full-width digits and letters, which Chinese input methods produce, become ASCII, and letters
// become upper case. Inner spaces are kept, so that the format check refuses them.
func NormalizeNumber(s string) string {
	return strings.ToUpper(narrow(trim(s)))
}

// trim removes surrounding white space and the invisible characters that copying from web
// pages and chat apps leaves behind.
func trim(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == '\u200b' || r == '\u200c' || r == '\u200d' ||
			r == '\u2060' || r == '\ufeff'
	})
}

// narrow maps the full-width forms of ASCII (U+FF01–U+FF5E) to ASCII.
func narrow(s string) string {
	if !strings.ContainsFunc(s, isFullWidth) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isFullWidth(r) {
			return r - 0xFEE0
		}
		return r
	}, s)
}

func isFullWidth(r rune) bool { return r >= 0xFF01 && r <= 0xFF5E }

// parse18 checks what mainland ID card and residence permit numbers share: 17 digits and a check
// character that matches, a province code, and a real birth date neither in the future nor
// before 1900.
func parse18(s string, today time.Time) (*IDNumber, error) {
	n := NormalizeNumber(s)
	if n == "" {
		return nil, errcode.New(errcode.DocNumberRequired)
	}
	if len(n) != 18 {
		return nil, errcode.New(errcode.DocNumberFormat)
	}
	check, ok := ChecksumChar(n)
	if !ok || (n[17] != 'X' && (n[17] < '0' || n[17] > '9')) {
		return nil, errcode.New(errcode.DocNumberFormat)
	}
	if n[17] != check {
		return nil, errcode.New(errcode.DocNumberChecksum)
	}
	if !provinces[n[:2]] {
		return nil, errcode.New(errcode.DocNumberRegion)
	}
	birth, err := time.Parse("20060102", n[6:14])
	if err != nil || birth.Before(earliestBirth) || birth.After(day(today)) {
		return nil, errcode.New(errcode.DocNumberBirthDate)
	}
	sex := SexFemale
	if (n[16]-'0')%2 == 1 {
		sex = SexMale
	}
	return &IDNumber{Number: n, BirthDate: birth, Sex: sex}, nil
}

// ParseIDCard checks a mainland resident ID card number (居民身份证号码) and returns it
// normalised with the holder's birth date and sex. A residence permit number, which passes the
// same checksum, is refused with a hint to choose the other document type.
func ParseIDCard(s string, today time.Time) (*IDNumber, error) {
	id, err := parse18(s, today)
	if err != nil {
		return nil, err
	}
	if _, ok := permitPrefixes[id.Number[:6]]; ok {
		return nil, errcode.New(errcode.DocNumberIsPermit)
	}
	return id, nil
}

// ParseResidencePermit checks a residence permit number (港澳台居民居住证号码): the ID card rules
// plus one of the prefixes 810000 (Hong Kong), 820000 (Macau) or 830000 (Taiwan). When region is
// not empty it must be the region of the prefix (errcode.RegionMismatch); when it is empty the
// region is only read from the number, so a form can report a missing region on its own field.
func ParseResidencePermit(s, region string, today time.Time) (*IDNumber, error) {
	id, err := parse18(s, today)
	if err != nil {
		return nil, err
	}
	prefixRegion, ok := permitPrefixes[id.Number[:6]]
	if !ok {
		return nil, errcode.New(errcode.DocNumberRegion)
	}
	if region != "" && region != prefixRegion {
		return nil, errcode.New(errcode.RegionMismatch)
	}
	id.Region = prefixRegion
	return id, nil
}

// Parse checks a document number of the given type (api.DocIDCard or api.DocResidencePermit).
func Parse(docType, region, s string, today time.Time) (*IDNumber, error) {
	switch docType {
	case api.DocIDCard:
		return ParseIDCard(s, today)
	case api.DocResidencePermit:
		return ParseResidencePermit(s, region, today)
	}
	return nil, errcode.New(errcode.DocTypeInvalid)
}

// ValidDocType reports whether t is a document type the product accepts.
func ValidDocType(t string) bool { return t == api.DocIDCard || t == api.DocResidencePermit }

// ValidRegion reports whether r is a region a residence permit can be from.
func ValidRegion(r string) bool {
	return r == api.RegionHongKong || r == api.RegionMacau || r == api.RegionTaiwan
}
