// Package stafftest is the contract of staff.Store, run on every engine.
package stafftest

import (
	"context"
	"errors"
	"testing"
	"time"

	"jszg/server/staff"
)

// Run checks the contract; open returns an empty store of the engine under test.
func Run(t *testing.T, open func(t *testing.T) staff.Store) {
	ctx := context.Background()
	st := open(t)
	m := &staff.Member{ID: "s1", Username: "admin", Role: staff.RoleAdmin, PasswordHash: "h", TOTPSecret: "JBSWY3DPEHPK3PXP",
		MustChange: true, CreatedAt: time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)}
	if n, err := st.Count(ctx); err != nil || n != 0 {
		t.Fatalf("count of an empty store: %d, %v", n, err)
	}
	if err := st.Create(ctx, m); err != nil {
		t.Fatal(err)
	}
	dup := *m
	dup.ID = "s2"
	if err := st.Create(ctx, &dup); !errors.Is(err, staff.ErrTaken) {
		t.Fatalf("second admin of the same name: %v, want ErrTaken", err)
	}
	for name, get := range map[string]func() (*staff.Member, error){
		"by name": func() (*staff.Member, error) { return st.ByUsername(ctx, "admin") },
		"by id":   func() (*staff.Member, error) { return st.ByID(ctx, "s1") },
	} {
		got, err := get()
		if err != nil || *got != *m {
			t.Fatalf("%s: %+v, %v", name, got, err)
		}
	}
	if _, err := st.ByUsername(ctx, "nobody"); !errors.Is(err, staff.ErrNotFound) {
		t.Fatalf("unknown: %v", err)
	}
	if err := st.SetPassword(ctx, "s1", "h2", false); err != nil {
		t.Fatal(err)
	}
	if err := st.SetDisabled(ctx, "s1", true); err != nil {
		t.Fatal(err)
	}
	got, _ := st.ByID(ctx, "s1")
	if got.PasswordHash != "h2" || got.MustChange || !got.Disabled {
		t.Fatalf("after updates: %+v", got)
	}
	list, err := st.List(ctx)
	if n, _ := st.Count(ctx); err != nil || len(list) != 1 || n != 1 {
		t.Fatalf("list %v, %v", list, err)
	}
}
