// Package password holds the password rule of jszg and the strength meter of the PWA. A password
// has 8 to 64 characters of any kind and no composition rules, but it may not be, or contain, the
// holder's document number, phone or birth date, and it may not be one of the most common
// passwords, which ship with the package (common.txt, about 28 KB, small enough for the Wasm
// client). The rule is pure Go and shared by the server and the Wasm client.
package password

//go:generate go run gen.go

import (
	_ "embed"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"jszg/shared/errcode"
)

// Length limits, counted in characters (runes), not bytes: a Chinese character counts as one.
const (
	MinLength = 8
	MaxLength = 64
)

// Personal is what the password may not reveal about its holder. Empty fields are skipped.
type Personal struct {
	DocNumber string    // normalised document number
	Phone     string    // normalised mobile number, 11 digits
	BirthDate time.Time // zero when unknown
}

// Check returns nil when pw is acceptable for the holder p, else an *errcode.Error:
// PasswordRequired, PasswordTooShort, PasswordTooLong, PasswordPersonal (pw equals or contains
// the document number, the phone, or the birth date written YYYYMMDD or YYYY-MM-DD, ignoring
// case) or PasswordCommon. The password is taken as typed: spaces count and nothing is trimmed.
func Check(pw string, p Personal) error {
	n := utf8.RuneCountInString(pw)
	switch {
	case n == 0:
		return errcode.New(errcode.PasswordRequired)
	case n < MinLength:
		return errcode.New(errcode.PasswordTooShort)
	case n > MaxLength:
		return errcode.New(errcode.PasswordTooLong)
	}
	if revealsPersonal(pw, p) {
		return errcode.New(errcode.PasswordPersonal)
	}
	if IsCommon(pw) {
		return errcode.New(errcode.PasswordCommon)
	}
	return nil
}

// minPersonal is the shortest personal value looked for: the real ones have 8 (birth date) to 18
// (document number) characters, and a stray short value must not make every password refused.
const minPersonal = 6

func revealsPersonal(pw string, p Personal) bool {
	lower := strings.ToLower(pw)
	values := []string{p.DocNumber, p.Phone}
	if !p.BirthDate.IsZero() {
		values = append(values, p.BirthDate.Format("20060102"), p.BirthDate.Format("2006-01-02"))
	}
	for _, v := range values {
		v = strings.ToLower(strings.TrimSpace(v))
		if len(v) >= minPersonal && strings.Contains(lower, v) {
			return true
		}
	}
	return false
}

//go:embed common.txt
var commonText string

var (
	commonOnce sync.Once
	common     []string
)

// commonList returns the sorted entries of common.txt, read on first use so that a client that
// never checks a password does not pay for it.
func commonList() []string {
	commonOnce.Do(func() {
		lines := strings.Split(commonText, "\n")
		common = make([]string, 0, len(lines))
		for _, l := range lines {
			if l != "" && !strings.HasPrefix(l, "#") {
				common = append(common, l)
			}
		}
		sort.Strings(common) // already sorted by gen.go; cheap insurance against a hand edit
	})
	return common
}

// IsCommon reports whether pw, ignoring case, is in the shipped list of common passwords.
func IsCommon(pw string) bool {
	list := commonList()
	pw = strings.ToLower(pw)
	i := sort.SearchStrings(list, pw)
	return i < len(list) && list[i] == pw
}

// Strength rates pw from 0 to 4 for the PWA's strength meter. It is deliberately simple and
// deterministic, so the meter and any server-side report agree:
//   - 0: refused anyway: shorter than MinLength, longer than MaxLength, or common;
//   - otherwise start at 1, add 1 at 12 characters and 1 more at 16, and add 1 for each kind of
//     character beyond the first, at most 2 (kinds: lower-case letters, upper-case letters,
//     digits, anything else, Chinese characters included);
//   - a password of fewer than 4 different characters (abababab) stays at 1;
//   - the result is capped at 4.
//
// It does not know the holder, so it cannot see personal information; Check refuses that.
func Strength(pw string) int {
	n := utf8.RuneCountInString(pw)
	if n < MinLength || n > MaxLength || IsCommon(pw) {
		return 0
	}
	var lower, upper, digit, other bool
	distinct := map[rune]bool{}
	for _, r := range pw {
		distinct[r] = true
		switch {
		case r >= 'a' && r <= 'z':
			lower = true
		case r >= 'A' && r <= 'Z':
			upper = true
		case r >= '0' && r <= '9':
			digit = true
		default:
			other = true
		}
	}
	if len(distinct) < 4 {
		return 1
	}
	score := 1
	if n >= 12 {
		score++
	}
	if n >= 16 {
		score++
	}
	kinds := 0
	for _, k := range []bool{lower, upper, digit, other} {
		if k {
			kinds++
		}
	}
	score += min(kinds-1, 2)
	return min(score, 4)
}
