package document

import (
	"testing"

	"jszg/shared/api"
	"jszg/shared/errcode"
)

func TestParseHKID(t *testing.T) {
	// Check characters worked out by hand with the published algorithm, e.g. A123456:
	// 36×9 + 10×8 + 1×7 + 2×6 + 3×5 + 4×4 + 5×3 + 6×2 = 481; 481 mod 11 = 8; 11 − 8 = 3.
	valid := map[string]string{
		"A123456(3)":   "A123456(3)",
		"A1234563":     "A123456(3)",
		"a123456(3)":   "A123456(3)",
		" A123456(3) ": "A123456(3)",
		"A123456（3）":   "A123456(3)", // full-width parentheses
		"G123456(A)":   "G123456(A)", // remainder 10 is written A
		"G123456a":     "G123456(A)",
		"AB987654(3)":  "AB987654(3)", // two letters: A×9 + B×8 + …
		"XA0000016":    "XA000001(6)",
		"Z683365(A)":   "Z683365(A)",
		"K012345(5)":   "K012345(5)",
		"C668668(9)":   "C668668(9)",
	}
	for in, want := range valid {
		got, err := ParseHKID(in)
		if err != nil || got != want {
			t.Errorf("ParseHKID(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	invalid := map[string]errcode.Code{
		"":             errcode.LocalIDRequired,
		"A123456(4)":   errcode.LocalIDChecksum,
		"A1234564":     errcode.LocalIDChecksum,
		"G123456(0)":   errcode.LocalIDChecksum,
		"AB987654(4)":  errcode.LocalIDChecksum,
		"A123456(B)":   errcode.LocalIDInvalid, // only 0–9 and A
		"A12345(3)":    errcode.LocalIDInvalid, // five digits
		"A1234567(3)":  errcode.LocalIDInvalid, // seven digits
		"ABC123456(3)": errcode.LocalIDInvalid, // three letters
		"1123456(3)":   errcode.LocalIDInvalid,
		"A123456(3":    errcode.LocalIDInvalid,
		"A123456)3(":   errcode.LocalIDInvalid,
		"A123456()":    errcode.LocalIDInvalid,
		"A123 456(3)":  errcode.LocalIDInvalid,
		")":            errcode.LocalIDInvalid,
	}
	for in, want := range invalid {
		_, err := ParseHKID(in)
		if got := errcode.Of(err); got != want {
			t.Errorf("ParseHKID(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseMacauID(t *testing.T) {
	valid := map[string]string{
		"1234567(8)":   "1234567(8)",
		"12345678":     "1234567(8)",
		" 5123456(0) ": "5123456(0)",
		"7000000(1)":   "7000000(1)",
		"１２３４５６７（８）":   "1234567(8)",
	}
	for in, want := range valid {
		got, err := ParseMacauID(in)
		if err != nil || got != want {
			t.Errorf("ParseMacauID(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	invalid := map[string]errcode.Code{
		"":            errcode.LocalIDRequired,
		"2234567(8)":  errcode.LocalIDInvalid, // must start with 1, 5 or 7
		"1234567(A)":  errcode.LocalIDInvalid,
		"123456(8)":   errcode.LocalIDInvalid,
		"12345678(9)": errcode.LocalIDInvalid,
		"1234567(8":   errcode.LocalIDInvalid,
		"A234567(8)":  errcode.LocalIDInvalid,
	}
	for in, want := range invalid {
		_, err := ParseMacauID(in)
		if got := errcode.Of(err); got != want {
			t.Errorf("ParseMacauID(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseTaiwanID(t *testing.T) {
	// A123456789 is the textbook example: A=10 → 1×1 + 0×9 = 1; 1×8 + 2×7 + 3×6 + 4×5 + 5×4 +
	// 6×3 + 7×2 + 8×1 = 120; 1 + 120 + 9 = 130.
	valid := map[string]string{
		"A123456789":   "A123456789",
		"a123456789":   "A123456789",
		" F131254178 ": "F131254178",
		"B223456782":   "B223456782",
		"A800000014":   "A800000014", // resident without household registration (new format)
		"Z900000008":   "Z900000008",
		"O100000004":   "O100000004", // O=35 and I=34 are out of alphabetical order
		"I200000005":   "I200000005",
		"W100000001":   "W100000001", // W=32
		"Ａ１２３４５６７８９":   "A123456789",
	}
	for in, want := range valid {
		got, err := ParseTaiwanID(in)
		if err != nil || got != want {
			t.Errorf("ParseTaiwanID(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	invalid := map[string]errcode.Code{
		"":            errcode.LocalIDRequired,
		"A123456788":  errcode.LocalIDChecksum,
		"O100000005":  errcode.LocalIDChecksum,
		"A323456789":  errcode.LocalIDInvalid, // second digit 1, 2, 8 or 9 only
		"A023456789":  errcode.LocalIDInvalid,
		"A12345678":   errcode.LocalIDInvalid,
		"A1234567890": errcode.LocalIDInvalid,
		"1123456789":  errcode.LocalIDInvalid,
		"AB23456789":  errcode.LocalIDInvalid, // the old two-letter resident numbers are not taken
	}
	for in, want := range invalid {
		_, err := ParseTaiwanID(in)
		if got := errcode.Of(err); got != want {
			t.Errorf("ParseTaiwanID(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseLocalID(t *testing.T) {
	cases := []struct {
		region, in string
		want       errcode.Code
	}{
		{api.RegionHongKong, "A123456(3)", ""},
		{api.RegionMacau, "1234567(8)", ""},
		{api.RegionTaiwan, "A123456789", ""},
		{api.RegionHongKong, "A123456789", errcode.LocalIDInvalid},
		{api.RegionMacau, "A123456(3)", errcode.LocalIDInvalid},
		{api.RegionTaiwan, "1234567(8)", errcode.LocalIDInvalid},
		{"", "A123456(3)", errcode.RegionInvalid},
	}
	for _, c := range cases {
		_, err := ParseLocalID(c.region, c.in)
		if got := errcode.Of(err); got != c.want {
			t.Errorf("ParseLocalID(%q, %q) = %q, want %q", c.region, c.in, got, c.want)
		}
	}
}
