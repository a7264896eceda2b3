package ethnicity

import (
	"testing"

	"jszg/shared/api"
)

func TestGroups(t *testing.T) {
	seen := map[string]bool{}
	for _, g := range groups {
		if seen[g] {
			t.Errorf("%s listed twice", g)
		}
		seen[g] = true
	}
	if groups[0] != "汉族" || groups[55] != "基诺族" {
		t.Errorf("order: first %s, last %s", groups[0], groups[55])
	}
	if n := len(Options(api.DocIDCard)); n != 56 {
		t.Errorf("ID card options: %d", n)
	}
	if o := Options(api.DocResidencePermit); len(o) != 57 || o[56] != Other {
		t.Errorf("residence permit options: %v", o)
	}
}

func TestValid(t *testing.T) {
	cases := []struct {
		name, docType string
		want          bool
	}{
		{"汉族", api.DocIDCard, true},
		{"维吾尔族", api.DocIDCard, true},
		{"柯尔克孜族", api.DocResidencePermit, true},
		{"基诺族", api.DocIDCard, true},
		{"高山族", api.DocResidencePermit, true},
		{"其他", api.DocResidencePermit, true},
		{"其他", api.DocIDCard, false},
		{"汉", api.DocIDCard, false},
		{"", api.DocIDCard, false},
		{"", api.DocResidencePermit, false},
		{" 汉族", api.DocIDCard, false},
		{"穿青人", api.DocIDCard, false},
	}
	for _, c := range cases {
		if got := Valid(c.name, c.docType); got != c.want {
			t.Errorf("Valid(%q, %s) = %v, want %v", c.name, c.docType, got, c.want)
		}
	}
}
