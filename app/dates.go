package app

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"jszg/shared/document"
)

// normalizeDate reads a date typed in the ways applicants write one (2020-03-01, 20200301,
// 2020/3/1, 2020.3.1, 2020年3月1日, full-width digits) and gives it as YYYY-MM-DD, the one
// format the pages show whatever the browser's locale. ok is false when it is not a real date.
func normalizeDate(s string) (string, bool) {
	var parts []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			parts = append(parts, cur.String())
			cur.Reset()
		}
	}
	for _, r := range strings.TrimSpace(s) {
		switch {
		case r >= '０' && r <= '９':
			cur.WriteRune(r - '０' + '0')
		case unicode.IsDigit(r):
			cur.WriteRune(r)
		default:
			flush()
		}
	}
	flush()
	if len(parts) == 1 && len(parts[0]) == 8 {
		p := parts[0]
		parts = []string{p[:4], p[4:6], p[6:]}
	}
	if len(parts) != 3 || len(parts[0]) != 4 || len(parts[1]) > 2 || len(parts[2]) > 2 {
		return "", false
	}
	y, _ := strconv.Atoi(parts[0])
	m, _ := strconv.Atoi(parts[1])
	d, _ := strconv.Atoi(parts[2])
	out := fmt.Sprintf("%04d-%02d-%02d", y, m, d)
	if _, ok := document.ParseDate(out); !ok {
		return "", false
	}
	return out, true
}
