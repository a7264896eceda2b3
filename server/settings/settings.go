// Package settings keeps the few values every server instance must agree on and that are made at
// first start when not configured (the server secret): the first instance to store a value wins,
// and every instance reads that one.
package settings

import "context"

// Store keeps settings by name.
type Store interface {
	// PutIfAbsent stores value under name unless the name has a value already, and returns the
	// stored value (the one given, or the earlier one), atomically.
	PutIfAbsent(ctx context.Context, name, value string) (string, error)
}
