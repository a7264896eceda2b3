// Package workdaystest is the contract of workdays.Store, run on every engine.
package workdaystest

import (
	"context"
	"testing"

	"jszg/server/workdays"
)

// Run checks the contract; open returns an empty store of the engine under test.
func Run(t *testing.T, open func(t *testing.T) workdays.Store) {
	ctx := context.Background()

	t.Run("EmptyHasNoYears", func(t *testing.T) {
		got, err := open(t).Years(ctx)
		if err != nil || len(got) != 0 {
			t.Fatalf("years of an empty store: %v, %v", got, err)
		}
	})

	t.Run("PutKeepsTheFileAndReplaces", func(t *testing.T) {
		st := open(t)
		first := []byte(`{"year":2031,"holidays":["2031-01-01"]}`)
		second := []byte(`{"year":2031,"holidays":["2031-01-01","2031-01-02"]}`)
		other := []byte(`{"year":2032,"holidays":[]}`)
		for _, p := range []struct {
			year int
			file []byte
		}{{2031, first}, {2032, other}, {2031, second}} {
			if err := st.PutYear(ctx, p.year, p.file); err != nil {
				t.Fatal(err)
			}
		}
		got, err := st.Years(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || string(got[2031]) != string(second) || string(got[2032]) != string(other) {
			shown := map[int]string{}
			for y, f := range got {
				shown[y] = string(f)
			}
			t.Fatalf("years %v; want 2031 replaced by the second file and 2032 kept", shown)
		}
	})
}
