package name

import (
	"strings"
	"testing"

	"jszg/shared/errcode"
)

func TestNormalizeAccepts(t *testing.T) {
	cases := map[string]string{
		"郝京":             "郝京",
		"成":              "成",
		"  周江 ":          "周江",
		"\u3000周江\u3000": "周江", // ideographic spaces around
		"\ufeff周江":       "周江",
		"买买提·艾力":         "买买提·艾力",
		"阿卜杜热合曼·买买提·艾力":  "阿卜杜热合曼·买买提·艾力",
		"𠀀":              "𠀀",  // U+20000, the first character of Extension B
		"王𪚥":             "王𪚥", // U+2A6A5, Extension B
		"张𫟼":             "张𫟼", // U+2B7FC, Extension D
		"李𰻞":             "李𰻞", // U+30EDE, Extension G
		"陈𱍐":             "陈𱍐", // U+31350, Extension H
		"赵䶮":             "赵䶮", // U+4DAE, Extension A
		"王〇":             "王〇", // 〇 is a character in its own right
		"刘﨑":             "刘﨑", // U+FA11, a compatibility ideograph
		"⼈⼝":             "⼈⼝", // Kangxi radicals, as some input methods give them
		"买买提·艾力·木":       "买买提·艾力·木",
	}
	// Every look-alike dot becomes the separator.
	for _, dot := range []string{
		".", "\u0387", "\u2022", "\u2024", "\u2027", "\u2219", "\u22C5", "\u2E31", "\u30FB",
		"\uFE52", "\uFF0E", "\uFF65", "•", "・", "．", "‧", "･",
	} {
		cases["买买提"+dot+"艾力"] = "买买提·艾力"
	}
	for in, want := range cases {
		got, err := Normalize(in)
		if err != nil || got != want {
			t.Errorf("Normalize(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestNormalizeRefuses(t *testing.T) {
	cases := map[string]errcode.Code{
		"":                             errcode.NameRequired,
		"   ":                          errcode.NameRequired,
		"\u3000":                       errcode.NameRequired,
		"张 三":                          errcode.NameInvalid, // inner space
		"张\u3000三":                     errcode.NameInvalid,
		"张三1":                          errcode.NameInvalid,
		"张三３":                          errcode.NameInvalid,
		"Zhang San":                    errcode.NameInvalid,
		"张San":                         errcode.NameInvalid,
		"张-三":                          errcode.NameInvalid,
		"张_三":                          errcode.NameInvalid,
		"张三。":                          errcode.NameInvalid,
		"张三、李四":                        errcode.NameInvalid,
		"张\u200b三":                     errcode.NameInvalid, // zero-width space inside
		"\ue000三":                      errcode.NameInvalid, // private use area
		"김철수":                          errcode.NameInvalid, // Hangul
		"さくら":                          errcode.NameInvalid, // kana
		"々":                            errcode.NameInvalid,
		"张\xff三":                       errcode.NameInvalid, // not UTF-8
		"·买买提":                         errcode.NameSeparator,
		"买买提·":                         errcode.NameSeparator,
		"买买提··艾力":                      errcode.NameSeparator,
		"买买提.·艾力":                      errcode.NameSeparator, // a look-alike next to a separator
		"买买提•・艾力":                      errcode.NameSeparator,
		".买买提":                         errcode.NameSeparator,
		"买买提．":                         errcode.NameSeparator,
		"·":                            errcode.NameSeparator,
		"买买提 · 艾力":                     errcode.NameInvalid,
		strings.Repeat("王", 31):        errcode.NameTooLong,
		strings.Repeat("𠀀", 31):        errcode.NameTooLong,
		strings.Repeat("买·", 15) + "提": errcode.NameTooLong, // 31 with the separators
	}
	for in, want := range cases {
		_, err := Normalize(in)
		if got := errcode.Of(err); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMaxLength(t *testing.T) {
	// Counted in characters, not bytes: 30 four-byte characters are fine.
	for _, s := range []string{strings.Repeat("王", MaxLength), strings.Repeat("𠀀", MaxLength), strings.Repeat("买·", 14) + "提提"} {
		if _, err := Normalize(s); err != nil {
			t.Errorf("Normalize(%d characters): %v", MaxLength, err)
		}
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"郝京", "买买提·艾力", "买买提.艾力", "买买提•艾力", "·买买提", "买买提··艾力", " 𠀀𪚥 ", "张 三", "Zhang", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := Normalize(s)
		if err != nil {
			return
		}
		again, err := Normalize(n)
		if err != nil || again != n {
			t.Fatalf("%q normalised to %q, which normalises to %q, %v", s, n, again, err)
		}
		runes := []rune(n)
		if len(runes) == 0 || len(runes) > MaxLength || runes[0] == Separator || runes[len(runes)-1] == Separator {
			t.Fatalf("%q accepted as %q", s, n)
		}
		for i, r := range runes {
			if r == Separator {
				if runes[i-1] == Separator {
					t.Fatalf("%q accepted with a doubled separator: %q", s, n)
				}
			} else if !IsHan(r) {
				t.Fatalf("%q accepted with %U", s, r)
			}
		}
	})
}

func TestTooLongMessageNamesTheLimit(t *testing.T) {
	if !strings.Contains(errcode.NameTooLong.Message(), "30") || MaxLength != 30 {
		t.Errorf("message %q does not match MaxLength %d", errcode.NameTooLong.Message(), MaxLength)
	}
}
