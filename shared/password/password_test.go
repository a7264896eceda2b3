package password

import (
	"sort"
	"strings"
	"testing"
	"time"

	"jszg/shared/errcode"
)

var holder = Personal{
	DocNumber: "11010519491231002X",
	Phone:     "18512341234",
	BirthDate: time.Date(1949, 12, 31, 0, 0, 0, 0, time.UTC),
}

func TestCheck(t *testing.T) {
	cases := map[string]errcode.Code{
		"":                               errcode.PasswordRequired,
		"Tq7#vLp":                        errcode.PasswordTooShort, // 7
		"Tq7#vLp2":                       "",                       // 8
		"教师资格网账号安全":                      "",                       // 9 Chinese characters
		"教师资格网账号密":                       "",                       // 8 runes, 24 bytes
		"教师资格网账号":                        errcode.PasswordTooShort, // 7 runes, 21 bytes
		"🔑🔑🔑🔑🔐🔐🔐🔐":                       "",                       // 8 runes, 32 bytes
		strings.Repeat("a1B", 21) + "z":  "",                       // 64
		strings.Repeat("a1B", 21) + "zz": errcode.PasswordTooLong,  // 65
		strings.Repeat("师", 64):          "",
		strings.Repeat("师", 65):          errcode.PasswordTooLong,
		"  Tq7#vLp  ":                    "", // spaces count and are kept

		// Personal information, whole or inside, in any case.
		"11010519491231002X":    errcode.PasswordPersonal,
		"11010519491231002x":    errcode.PasswordPersonal,
		"my11010519491231002x!": errcode.PasswordPersonal,
		"18512341234":           errcode.PasswordPersonal,
		"tel18512341234":        errcode.PasswordPersonal,
		"19491231":              errcode.PasswordPersonal,
		"Zq19491231":            errcode.PasswordPersonal,
		"1949-12-31":            errcode.PasswordPersonal,
		"born1949-12-31":        errcode.PasswordPersonal,
		"1949/12/31!":           "", // only the two written forms are looked for

		// Common passwords, in any case.
		"password":   errcode.PasswordCommon,
		"PassWord":   errcode.PasswordCommon,
		"12345678":   errcode.PasswordCommon,
		"123456789":  errcode.PasswordCommon,
		"1qaz2wsx":   errcode.PasswordCommon,
		"1QAZ2WSX":   errcode.PasswordCommon,
		"abc123456":  errcode.PasswordCommon,
		"woaini1314": errcode.PasswordCommon,
		"qq123456":   errcode.PasswordCommon,
		"5201314520": errcode.PasswordCommon,
		"iloveyou":   errcode.PasswordCommon,
		"qwertyuiop": errcode.PasswordCommon,
		"88888888":   errcode.PasswordCommon,
		"a123456789": errcode.PasswordCommon,
		"trustno1":   errcode.PasswordCommon,
		"5201314":    errcode.PasswordTooShort, // too short before it is common
		"123456":     errcode.PasswordTooShort,
	}
	for pw, want := range cases {
		if got := errcode.Of(Check(pw, holder)); got != want {
			t.Errorf("Check(%q) = %q, want %q", pw, got, want)
		}
	}
}

func TestCheckWithoutPersonal(t *testing.T) {
	if err := Check("19491231x", Personal{}); err != nil {
		t.Errorf("no birth date known, but refused: %v", err)
	}
	// A stray short value must not refuse everything.
	if err := Check("Tq7#vLp2", Personal{DocNumber: "T", Phone: " "}); err != nil {
		t.Errorf("short personal values: %v", err)
	}
}

func TestCommonList(t *testing.T) {
	list := commonList()
	if len(list) < 2000 || len(list) > 5000 {
		t.Errorf("common list has %d entries", len(list))
	}
	if !sort.StringsAreSorted(list) {
		t.Error("common list not sorted")
	}
	for _, pw := range list {
		if pw != strings.ToLower(pw) || len([]rune(pw)) < MinLength || len([]rune(pw)) > MaxLength {
			t.Errorf("common list entry %q", pw)
		}
	}
	if IsCommon("Tq7#vLp2") || IsCommon("") {
		t.Error("IsCommon too eager")
	}
}

func TestStrength(t *testing.T) {
	cases := map[string]int{
		"":                             0,
		"Tq7#vLp":                      0, // too short
		"password":                     0, // common
		strings.Repeat("师", 65):        0, // too long
		"abababab":                     1, // fewer than 4 different characters
		"Aa1!Aa1!Aa1!Aa1!":             4,
		"Aa1Aa1Aa":                     1, // three different characters only
		"Aa1Aa1Ab":                     3,
		"kestrelmoth":                  1, // one kind, 11
		"kestrelmoths":                 2, // one kind, 12
		"kestrelmothsarcs":             3, // one kind, 16
		"kestrel7":                     2, // two kinds
		"Kestrel7":                     3, // three kinds
		"Kestrel7!":                    3, // four kinds, capped at +2
		"Kestrel7!moth":                4, // 13 characters, four kinds
		"教师资格网账号安全":                    1, // one kind
		"教师资格网账号安全2025":                3, // 13 characters, two kinds
		"correct horse battery staple": 4,
	}
	for pw, want := range cases {
		if got := Strength(pw); got != want {
			t.Errorf("Strength(%q) = %d, want %d", pw, got, want)
		}
	}
}

func FuzzStrength(f *testing.F) {
	for _, s := range []string{"", "password", "Tq7#vLp2", "教师资格网账号安全", "abababab", "\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, pw string) {
		s := Strength(pw)
		if s < 0 || s > 4 {
			t.Fatalf("Strength(%q) = %d", pw, s)
		}
		// The meter never shows an accepted password as refused, nor a refused one as usable.
		if err := Check(pw, Personal{}); (err == nil) != (s > 0) {
			t.Fatalf("Strength(%q) = %d but Check = %v", pw, s, err)
		}
	})
}
