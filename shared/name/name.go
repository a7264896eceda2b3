// Package name holds the rule for an applicant's name as written on the identity document: Han
// characters, including the rare characters (生僻字) encoded outside the Basic Multilingual Plane,
// with the separator "·" (U+00B7) between the parts of a transliterated name such as 买买提·艾力.
// Users type or paste dots that look like the separator; they are replaced by it rather than
// refused, so that the name stored is the one the real-name authority holds. The rule is pure Go
// and shared by the server and the Wasm client.
package name

import (
	"strings"
	"unicode"

	"jszg/shared/errcode"
)

// Separator is the only separator a stored name contains: U+00B7 MIDDLE DOT, the one the
// public security household registers use.
const Separator = '·'

// MaxLength is the longest name accepted, counted in characters (runes) with the separators.
// The longest names in the household registers are transliterated ones of minorities, which stay
// well below 30 characters; a longer entry is a paste gone wrong.
const MaxLength = 30

// lookalikes are characters people type or paste in place of the separator: Chinese input
// methods give • or ・ for the middle dot key, Taiwan's give ‧, a full stop typed in full-width
// mode gives ．, and documents pasted from Word or web pages bring their own.
var lookalikes = map[rune]bool{
	'.':      true, // FULL STOP
	'\u0387': true, // GREEK ANO TELEIA (canonically equal to U+00B7)
	'\u2022': true, // • BULLET
	'\u2024': true, // ․ ONE DOT LEADER
	'\u2027': true, // ‧ HYPHENATION POINT
	'\u2219': true, // ∙ BULLET OPERATOR
	'\u22C5': true, // ⋅ DOT OPERATOR
	'\u2E31': true, // ⸱ WORD SEPARATOR MIDDLE DOT
	'\u30FB': true, // ・ KATAKANA MIDDLE DOT
	'\uFE52': true, // ﹒ SMALL FULL STOP
	'\uFF0E': true, // ． FULLWIDTH FULL STOP
	'\uFF65': true, // ･ HALFWIDTH KATAKANA MIDDLE DOT
}

// hanNames lists the blocks a name's characters may come from. It is fixed here rather than
// taken from unicode.Han so that server and client agree whatever Go's Unicode version, and so
// that Han punctuation such as 々 and the Hangzhou numerals stay out.
//
// The radical and compatibility blocks are included because input methods and old systems
// produce them for ordinary characters (⼈ U+2F08 for 人, 﨑 U+FA11); they are accepted as typed,
// since mapping them to the unified ideographs would need the Unicode normalisation tables,
// which are too large for the Wasm client. Private-use characters, which some older systems
// used for 生僻字, are refused: no two systems agree on them.
var hanNames = &unicode.RangeTable{
	R16: []unicode.Range16{
		{Lo: 0x2E80, Hi: 0x2EFF, Stride: 1}, // CJK Radicals Supplement
		{Lo: 0x2F00, Hi: 0x2FDF, Stride: 1}, // Kangxi Radicals
		{Lo: 0x3007, Hi: 0x3007, Stride: 1}, // 〇, used as a character in some names
		{Lo: 0x3400, Hi: 0x4DBF, Stride: 1}, // Extension A
		{Lo: 0x4E00, Hi: 0x9FFF, Stride: 1}, // CJK Unified Ideographs
		{Lo: 0xF900, Hi: 0xFAFF, Stride: 1}, // CJK Compatibility Ideographs
	},
	R32: []unicode.Range32{
		{Lo: 0x20000, Hi: 0x2A6DF, Stride: 1}, // Extension B
		{Lo: 0x2A700, Hi: 0x2EE5F, Stride: 1}, // Extensions C, D, E, F and I
		{Lo: 0x2F800, Hi: 0x2FA1F, Stride: 1}, // CJK Compatibility Ideographs Supplement
		{Lo: 0x30000, Hi: 0x323AF, Stride: 1}, // Extensions G and H
	},
}

// IsHan reports whether r is a character a name may contain apart from the separator.
func IsHan(r rune) bool { return unicode.Is(hanNames, r) }

// Normalize returns the name as it is stored: surrounding spaces trimmed and look-alike dots
// replaced by Separator. It refuses an empty name (errcode.NameRequired), any character other
// than Han characters and separators, including inner spaces, digits and Latin letters
// (errcode.NameInvalid), a separator first, last or doubled (errcode.NameSeparator), and a name
// longer than MaxLength (errcode.NameTooLong). Every error is an *errcode.Error.
func Normalize(s string) (string, error) {
	s = strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff'
	})
	if s == "" {
		return "", errcode.New(errcode.NameRequired)
	}
	var b strings.Builder
	b.Grow(len(s))
	n := 0
	prevSep := true // a separator may not come first
	for _, r := range s {
		if lookalikes[r] {
			r = Separator
		}
		switch {
		case r == Separator:
			if prevSep {
				return "", errcode.New(errcode.NameSeparator)
			}
			prevSep = true
		case IsHan(r):
			prevSep = false
		default:
			return "", errcode.New(errcode.NameInvalid)
		}
		b.WriteRune(r)
		n++
	}
	if prevSep {
		return "", errcode.New(errcode.NameSeparator)
	}
	if n > MaxLength {
		return "", errcode.New(errcode.NameTooLong)
	}
	return b.String(), nil
}
