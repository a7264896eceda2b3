//go:build !ferretdb

package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"jszg/server/pii"
	"jszg/server/store/mongo"
)

// Without the ferretdb tag, only MONGODB_URI's server can be used: a fresh database on it.
func init() {
	openMongo = func(t testing.TB) *mongo.DB {
		t.Helper()
		if os.Getenv("MONGODB_URI") == "" {
			t.Fatal("JSZG_TEST_STORE=ferretdb needs the build tag: go test -tags ferretdb")
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		var b [6]byte
		_, _ = rand.Read(b[:])
		d, err := mongo.Open(ctx, mongo.Options{URI: os.Getenv("MONGODB_URI"), Database: "jszg_test_" + hex.EncodeToString(b[:])})
		if err != nil {
			t.Fatalf("open MongoDB: %v", err)
		}
		d.SetPersonalDataKeys(pii.ForTests())
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = d.Drop(ctx)
			_ = d.Close(ctx)
		})
		return d
	}
}
