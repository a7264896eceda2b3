// Package racetest starts many callers at the same instant, for the tests that race a limit
// ("fifty goroutines for three attempts: exactly three win"): every goroutine is started and
// waiting before any is let go, so the calls overlap as much as the machine allows.
package racetest

import (
	"sync"
	"testing"
)

// Errors runs f n times at once and returns each call's error, in call order.
func Errors(n int, f func() error) []error {
	errs := make([]error, n)
	var ready, done sync.WaitGroup
	gate := make(chan struct{})
	ready.Add(n)
	done.Add(n)
	for i := range n {
		go func() {
			defer done.Done()
			ready.Done()
			<-gate
			errs[i] = f()
		}()
	}
	ready.Wait()
	close(gate)
	done.Wait()
	return errs
}

// Run runs f n times at once and fails t on any error.
func Run(t testing.TB, n int, f func() error) {
	t.Helper()
	for _, err := range Errors(n, f) {
		if err != nil {
			t.Error(err)
		}
	}
}
