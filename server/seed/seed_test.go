package seed_test

import (
	"testing"
	"time"

	"jszg/server/seed"
	"jszg/shared/document"
)

func TestSeededNumbersAreValidAndUnique(t *testing.T) {
	today := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	seen := map[string]bool{}
	for _, i := range []int{0, 1, 9, 10, 999, 1000, 12345, 99999, 100000, 999999, 1000000, 36499999} {
		n := seed.DocNumber(i)
		if _, err := document.ParseIDCard(n, today); err != nil {
			t.Fatalf("applicant %d: %s: %v", i, n, err)
		}
		if seen[n] {
			t.Fatalf("applicant %d repeats %s", i, n)
		}
		seen[n] = true
	}
	all := map[string]int{}
	for i := 0; i < 200000; i++ {
		n := seed.DocNumber(i)
		if j, ok := all[n]; ok {
			t.Fatalf("applicants %d and %d share %s", j, i, n)
		}
		all[n] = i
	}
}
