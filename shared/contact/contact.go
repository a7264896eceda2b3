// Package contact holds the rules for the ways jszg reaches an applicant, the mainland mobile
// number and the security e-mail, and the masks that hide personal information (document
// numbers, names, phones, e-mails, birth dates) wherever the whole value is not needed. It is
// pure Go, shared by the server and the Wasm client.
package contact

import (
	"strings"
	"unicode"

	"jszg/shared/errcode"
)

// NormalizePhone returns a mainland mobile number as its 11 digits: 1, then 3–9, then 9 digits.
// It forgives what people type around the number: surrounding and inner spaces, dashes,
// full-width digits and the country code +86, 0086 or 86. Anything else is
// errcode.PhoneInvalid (an *errcode.Error).
func NormalizePhone(s string) (string, error) {
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '-' || r == '\u200b' || r == '\ufeff' {
			return -1
		}
		return r
	}, narrow(s))
	switch {
	case strings.HasPrefix(s, "+86"):
		s = s[3:]
	case len(s) == 15 && strings.HasPrefix(s, "0086"):
		s = s[4:]
	case len(s) == 13 && strings.HasPrefix(s, "86"):
		s = s[2:]
	}
	if len(s) != 11 || s[0] != '1' || s[1] < '3' || s[1] > '9' || !allDigits(s) {
		return "", errcode.New(errcode.PhoneInvalid)
	}
	return s, nil
}

// MaxEmailLength is the longest address that fits a mail path (RFC 5321: 256 octets with the
// angle brackets).
const MaxEmailLength = 254

// NormalizeEmail returns a security e-mail address trimmed, in ASCII (full-width characters from
// a Chinese input method converted), with the domain in lower case; the local part keeps its
// case, which the receiving server may honour. It takes plain addresses only, no display names
// or comments: one @, a local part of 1–64 characters of the RFC 5322 dot-atom form, and a domain
// of at least two labels of letters, digits and hyphens (internationalised domains in their
// xn-- form). Anything else is errcode.EmailInvalid (an *errcode.Error). net/mail is not used: it
// accepts display names and quoted local parts no mail form should.
func NormalizeEmail(s string) (string, error) {
	s = narrow(strings.TrimSpace(s))
	bad := errcode.New(errcode.EmailInvalid)
	if len(s) > MaxEmailLength || strings.Count(s, "@") != 1 {
		return "", bad
	}
	local, domain, _ := strings.Cut(s, "@")
	if !validLocal(local) {
		return "", bad
	}
	domain = strings.ToLower(domain)
	if !validDomain(domain) {
		return "", bad
	}
	return local + "@" + domain, nil
}

func validLocal(local string) bool {
	if local == "" || len(local) > 64 || local[0] == '.' || local[len(local)-1] == '.' ||
		strings.Contains(local, "..") {
		return false
	}
	for i := 0; i < len(local); i++ {
		c := local[i]
		if !isAlnum(c) && !strings.ContainsRune(".!#$%&'*+/=?^_`{|}~-", rune(c)) {
			return false
		}
	}
	return true
}

func validDomain(domain string) bool {
	labels := strings.Split(domain, ".")
	if len(domain) > 253 || len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			if !isAlnum(l[i]) && l[i] != '-' {
				return false
			}
		}
	}
	// A top-level domain is never all digits; this refuses 12345@qq.123 and bare IP addresses.
	return !allDigits(labels[len(labels)-1])
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// narrow maps the full-width forms of ASCII (U+FF01–U+FF5E), which Chinese input methods
// produce, to ASCII.
func narrow(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 0xFF01 && r <= 0xFF5E {
			return r - 0xFEE0
		}
		return r
	}, s)
}
