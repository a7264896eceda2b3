package contact

import (
	"strings"
	"testing"
	"time"

	"jszg/shared/errcode"
)

func TestNormalizePhone(t *testing.T) {
	valid := map[string]string{
		"18512341234":       "18512341234",
		" 18512341234 ":     "18512341234",
		"185 1234 1234":     "18512341234",
		"185-1234-1234":     "18512341234",
		"+86 185 1234 1234": "18512341234",
		"+86-18512341234":   "18512341234",
		"+8618512341234":    "18512341234",
		"8618512341234":     "18512341234",
		"008618512341234":   "18512341234",
		"１８５１２３４１２３４":       "18512341234",
		"13012345678":       "13012345678",
		"19912345678":       "19912345678",
		"\u300018512341234": "18512341234",
	}
	for in, want := range valid {
		got, err := NormalizePhone(in)
		if err != nil || got != want {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{
		"", "1851234123", "185123412345", "12012345678", "10012345678", "28512341234",
		"1851234123a", "+8518512341234", "86185123412", "+86", "185.1234.1234", "(185)12341234",
		"+1 18512341234", "861851234123",
	} {
		if _, err := NormalizePhone(in); errcode.Of(err) != errcode.PhoneInvalid {
			t.Errorf("NormalizePhone(%q) accepted", in)
		}
	}
}

func TestNormalizeEmail(t *testing.T) {
	valid := map[string]string{
		"2812345678@qq.com":        "2812345678@qq.com",
		" testtest@163.com ":       "testtest@163.com",
		"Zhang.San@Example.COM":    "Zhang.San@example.com",
		"zhang+jszg@mail.edu.cn":   "zhang+jszg@mail.edu.cn",
		"a@b.cn":                   "a@b.cn",
		"user@xn--55qx5d.cn":       "user@xn--55qx5d.cn",
		"test＠163．com":             "test@163.com", // typed in full-width mode
		"o'brien@sub-domain.co.uk": "o'brien@sub-domain.co.uk",
	}
	for in, want := range valid {
		got, err := NormalizeEmail(in)
		if err != nil || got != want {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{
		"", "testtest", "test@", "@163.com", "test@163", "test@@163.com", "a@b@163.com",
		"test @163.com", "te st@163.com", ".test@163.com", "test.@163.com", "te..st@163.com",
		"test@163..com", "test@.163.com", "test@163.com.", "test@-163.com", "test@163-.com",
		"test@163.123", "test@[127.0.0.1]", "张三@163.com", "test@例子.中国",
		"\"quoted\"@163.com", "Zhang <z@163.com>", "test@163。com",
		strings.Repeat("a", 65) + "@163.com",
		"a@" + strings.Repeat("b", 64) + ".com",
		strings.Repeat("a", 64) + "@" + strings.Repeat(strings.Repeat("b", 62)+".", 3) + "com", // 257
		"user@xn--fiqs8s", // a single label
	} {
		if _, err := NormalizeEmail(in); errcode.Of(err) != errcode.EmailInvalid {
			t.Errorf("NormalizeEmail(%q) accepted", in)
		}
	}
	// 254 characters is the limit.
	long := strings.Repeat("a", 64) + "@" + strings.Repeat(strings.Repeat("b", 61)+".", 3) + "cn"
	if len(long) != 253 {
		t.Fatalf("test address has %d characters", len(long))
	}
	if _, err := NormalizeEmail(long + "c"); err != nil {
		t.Errorf("254 characters: %v", err)
	}
	if _, err := NormalizeEmail(long + "cc"); err == nil {
		t.Error("255 characters accepted")
	}
}

func TestMasks(t *testing.T) {
	cases := []struct{ got, want string }{
		{MaskDocNumber("130102198703152147"), "13****47"},
		{MaskDocNumber("11010519491231002X"), "11****2X"},
		{MaskDocNumber("810000199001011237"), "81****37"},
		{MaskDocNumber("1234"), "****"},
		{MaskDocNumber(""), ""},
		{MaskPermitNumber("H00367998"), "H0****98"},
		{MaskPermitNumber("12345678"), "12****78"},
		{MaskPhone("18512341234"), "185****1234"},
		{MaskPhone("1851234"), "****"},
		{MaskEmail("2812345678@qq.com"), "2*****@qq.com"},
		{MaskEmail("testtest@163.com"), "t*****@163.com"},
		{MaskEmail("a@b.cn"), "a*****@b.cn"},
		{MaskEmail("nonsense"), "****"},
		{MaskEmail(""), ""},
		{MaskName("郝京"), "*京"},
		{MaskName("周江"), "*江"},
		{MaskName("欧阳小明"), "***明"},
		{MaskName("买买提·艾力"), "*****力"},
		{MaskName("王𪚥"), "*𪚥"},
		{MaskName("成"), "*"},
		{MaskName(""), ""},
		{MaskBirthDate(time.Date(1987, 3, 15, 0, 0, 0, 0, time.UTC)), "1987-**-**"},
		{MaskBirthDate(time.Time{}), ""},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func FuzzNormalizePhone(f *testing.F) {
	for _, s := range []string{"18512341234", "+86 185-1234-1234", "008618512341234", "１８５１２３４１２３４", "", "+86"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := NormalizePhone(s)
		if err != nil {
			return
		}
		if len(n) != 11 || n[0] != '1' || n[1] < '3' || !allDigits(n) {
			t.Fatalf("%q accepted as %q", s, n)
		}
		if again, err := NormalizePhone(n); err != nil || again != n {
			t.Fatalf("%q normalised to %q, which normalises to %q, %v", s, n, again, err)
		}
	})
}

func FuzzNormalizeEmail(f *testing.F) {
	for _, s := range []string{"2812345678@qq.com", " Zhang.San@Example.COM ", "test＠163．com", "a@b@c", "", "@"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := NormalizeEmail(s)
		if err != nil {
			return
		}
		if len(n) > MaxEmailLength || strings.Count(n, "@") != 1 {
			t.Fatalf("%q accepted as %q", s, n)
		}
		_, domain, _ := strings.Cut(n, "@")
		if domain != strings.ToLower(domain) || !strings.Contains(domain, ".") {
			t.Fatalf("%q accepted with domain %q", s, domain)
		}
		if again, err := NormalizeEmail(n); err != nil || again != n {
			t.Fatalf("%q normalised to %q, which normalises to %q, %v", s, n, again, err)
		}
	})
}
