package document

import (
	"jszg/shared/api"
	"jszg/shared/errcode"
)

// ParseLocalID checks the local ID number (港澳台当地身份证件号码) of a residence permit holder
// for the holder's region and returns it normalised.
func ParseLocalID(region, s string) (string, error) {
	switch region {
	case api.RegionHongKong:
		return ParseHKID(s)
	case api.RegionMacau:
		return ParseMacauID(s)
	case api.RegionTaiwan:
		return ParseTaiwanID(s)
	}
	return "", errcode.New(errcode.RegionInvalid)
}

// splitCheck separates the check character from a local ID number, which people write both as
// A1234563 and as A123456(3). It returns false for unbalanced parentheses.
func splitCheck(n string) (body string, check byte, ok bool) {
	if n[len(n)-1] == ')' {
		if len(n) < 4 || n[len(n)-3] != '(' {
			return "", 0, false
		}
		return n[:len(n)-3], n[len(n)-2], true
	}
	return n[:len(n)-1], n[len(n)-1], true
}

// ParseHKID checks a Hong Kong identity card number: one or two letters, six digits and a check
// character (0–9 or A), the check character optionally in parentheses. It returns the number in
// the form printed on the card, e.g. A123456(3).
//
// The check: letters count A=10 … Z=35, a one-letter number is padded in front with a space that
// counts 36, the eight characters are weighted 9 8 7 6 5 4 3 2, and the check character makes
// the sum a multiple of 11 (value 10 is written A).
func ParseHKID(s string) (string, error) {
	n := NormalizeNumber(s)
	if n == "" {
		return "", errcode.New(errcode.LocalIDRequired)
	}
	body, check, ok := splitCheck(n)
	if !ok || (len(body) != 7 && len(body) != 8) {
		return "", errcode.New(errcode.LocalIDInvalid)
	}
	letters := len(body) - 6
	for i := 0; i < letters; i++ {
		if !isUpper(body[i]) {
			return "", errcode.New(errcode.LocalIDInvalid)
		}
	}
	if !allDigits(body[letters:]) || (check != 'A' && (check < '0' || check > '9')) {
		return "", errcode.New(errcode.LocalIDInvalid)
	}
	if hkidCheck(body) != check {
		return "", errcode.New(errcode.LocalIDChecksum)
	}
	return body + "(" + string(check) + ")", nil
}

// hkidCheck returns the check character of a well-formed HKID body (one or two letters and six
// digits).
func hkidCheck(body string) byte {
	padded := body
	if len(body) == 7 {
		padded = " " + body
	}
	sum := 0
	for i := 0; i < 8; i++ {
		c := padded[i]
		var v int
		switch {
		case c == ' ':
			v = 36
		case isUpper(c):
			v = int(c-'A') + 10
		default:
			v = int(c - '0')
		}
		sum += v * (9 - i)
	}
	switch r := (11 - sum%11) % 11; r {
	case 10:
		return 'A'
	default:
		return byte('0' + r)
	}
}

// ParseMacauID checks a Macau resident identity card number: 1, 5 or 7, six digits and a check
// digit, the check digit optionally in parentheses; it returns e.g. 1234567(8). Only the format is
// checked: the Macau government has not published how the check digit is computed.
func ParseMacauID(s string) (string, error) {
	n := NormalizeNumber(s)
	if n == "" {
		return "", errcode.New(errcode.LocalIDRequired)
	}
	body, check, ok := splitCheck(n)
	if !ok || len(body) != 7 || !allDigits(body) || check < '0' || check > '9' {
		return "", errcode.New(errcode.LocalIDInvalid)
	}
	if body[0] != '1' && body[0] != '5' && body[0] != '7' {
		return "", errcode.New(errcode.LocalIDInvalid)
	}
	return body + "(" + string(check) + ")", nil
}

// taiwanLetters gives each first letter of a Taiwan ID its two-digit value. The order is not
// alphabetical: I, O, W, X, Y and Z were added after the original areas.
var taiwanLetters = [26]int{
	10, 11, 12, 13, 14, 15, 16, 17, 34, 18, 19, 20, 21, // A–M
	22, 35, 23, 24, 25, 26, 27, 28, 29, 32, 30, 31, 33, // N–Z
}

// ParseTaiwanID checks a Taiwan identity card number (國民身分證統一編號): a letter, 1 or 2 (sex)
// or, for the newer numbers of residents without household registration, 8 or 9, then eight
// digits, the last one a check digit. It returns the number upper-cased, e.g. A123456789.
//
// The check: the letter's two-digit value contributes its tens digit ×1 and its units digit ×9,
// the next eight digits are weighted 8 7 6 5 4 3 2 1, the check digit ×1, and the total must be
// a multiple of 10.
func ParseTaiwanID(s string) (string, error) {
	n := NormalizeNumber(s)
	if n == "" {
		return "", errcode.New(errcode.LocalIDRequired)
	}
	if len(n) != 10 || !isUpper(n[0]) || !allDigits(n[1:]) {
		return "", errcode.New(errcode.LocalIDInvalid)
	}
	if n[1] != '1' && n[1] != '2' && n[1] != '8' && n[1] != '9' {
		return "", errcode.New(errcode.LocalIDInvalid)
	}
	if taiwanCheck(n) != n[9] {
		return "", errcode.New(errcode.LocalIDChecksum)
	}
	return n, nil
}

// taiwanCheck returns the check digit of a well-formed Taiwan ID (only its first nine characters
// are read).
func taiwanCheck(n string) byte {
	v := taiwanLetters[n[0]-'A']
	sum := v/10 + v%10*9
	for i := 1; i <= 8; i++ {
		sum += int(n[i]-'0') * (9 - i)
	}
	return byte('0' + (10-sum%10)%10)
}
