// Package settingstest is the contract of settings.Store, run on every engine.
package settingstest

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"jszg/server/settings"
)

// Run checks the contract; open returns an empty store of the engine under test.
func Run(t *testing.T, open func(t *testing.T) settings.Store) {
	ctx := context.Background()
	t.Run("FirstValueWinsUnderConcurrency", func(t *testing.T) {
		st := open(t)
		got := make([]string, 10)
		var wg sync.WaitGroup
		for i := range got {
			wg.Add(1)
			go func() {
				defer wg.Done()
				v, err := st.PutIfAbsent(ctx, "secret", fmt.Sprint("value-", i))
				if err != nil {
					t.Error(err)
				}
				got[i] = v
			}()
		}
		wg.Wait()
		for _, v := range got {
			if v != got[0] || v == "" {
				t.Fatalf("instances disagree: %q", got)
			}
		}
		if v, _ := st.PutIfAbsent(ctx, "secret", "late"); v != got[0] {
			t.Fatalf("later put changed the value to %q", v)
		}
		if v, _ := st.PutIfAbsent(ctx, "other", "x"); v != "x" {
			t.Fatalf("other name %q", v)
		}
	})
}
