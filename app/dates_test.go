package app

import "testing"

func TestNormalizeDate(t *testing.T) {
	for in, want := range map[string]string{
		"2020-03-01":  "2020-03-01",
		" 20200301 ":  "2020-03-01",
		"2020/3/1":    "2020-03-01",
		"2020.03.1":   "2020-03-01",
		"2020年3月1日":   "2020-03-01",
		"２０２０－０３－０１":  "2020-03-01",
		"2021-02-29":  "",
		"2020-13-01":  "",
		"03/01/2020":  "",
		"2020-03":     "",
		"":            "",
		"2020-003-01": "",
	} {
		got, ok := normalizeDate(in)
		if got != want || ok != (want != "") {
			t.Errorf("normalizeDate(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}
