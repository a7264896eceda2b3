package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"jszg/server/store"
	"jszg/server/store/storetest"
)

// The whole product relies on these engine behaviours; they are checked on the embedded store and,
// with MONGODB_URI set, on MongoDB.

func TestUniqueIndexIsEnforced(t *testing.T) {
	s := storetest.Open(t)
	ctx := context.Background()
	if err := s.EnsureIndexes(ctx, "u", store.Index{Keys: bson.D{{Key: "k", Value: 1}}, Unique: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB.Collection("u").InsertOne(ctx, bson.M{"k": "a"}); err != nil {
		t.Fatal(err)
	}
	_, err := s.DB.Collection("u").InsertOne(ctx, bson.M{"k": "a"})
	if !store.IsDuplicateKey(err) {
		t.Fatalf("second insert of the same key: got %v, want a duplicate-key error", err)
	}
}

func TestConcurrentIncrementsAreExact(t *testing.T) {
	s := storetest.Open(t)
	ctx := context.Background()
	c := s.DB.Collection("n")
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				_, err := c.UpdateOne(ctx, bson.M{"_id": "x"}, bson.M{"$inc": bson.M{"n": 1}}, options.Update().SetUpsert(true))
				if err != nil && !store.IsDuplicateKey(err) {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	var doc struct{ N int }
	if err := c.FindOne(ctx, bson.M{"_id": "x"}).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	// An upsert that lost the insert race reports a duplicate key and is not counted, so the
	// count is at most 400 and at least 400 minus the racers of the first round.
	if doc.N < 393 || doc.N > 400 {
		t.Fatalf("n = %d after 400 increments", doc.N)
	}
}

func TestConditionalUpdateLetsExactlyOneWin(t *testing.T) {
	s := storetest.Open(t)
	ctx := context.Background()
	c := s.DB.Collection("once")
	if _, err := c.InsertOne(ctx, bson.M{"_id": "t", "used": false}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for g := 0; g < 20; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := c.UpdateOne(ctx, bson.M{"_id": "t", "used": false}, bson.M{"$set": bson.M{"used": true}})
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			wins += int(res.ModifiedCount)
			mu.Unlock()
		}()
	}
	wg.Wait()
	if wins != 1 {
		t.Fatalf("%d winners, want 1", wins)
	}
}

func TestSweepRemovesExpiredDocuments(t *testing.T) {
	s := storetest.Open(t)
	ctx := context.Background()
	if err := s.EnsureIndexes(ctx, "ttl", store.Index{Keys: bson.D{{Key: "expires_at", Value: 1}}, ExpireAfter: store.Expire}); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	c := s.DB.Collection("ttl")
	_, err := c.InsertMany(ctx, []any{
		bson.M{"_id": "old", "expires_at": now.Add(-time.Minute)},
		bson.M{"_id": "new", "expires_at": now.Add(time.Minute)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !s.Embedded {
		t.Skip("MongoDB's TTL monitor expires documents itself")
	}
	n, err := s.SweepExpired(ctx, now)
	if err != nil || n != 1 {
		t.Fatalf("swept %d (%v), want 1", n, err)
	}
	left, _ := c.CountDocuments(ctx, bson.M{})
	if left != 1 {
		t.Fatalf("%d left, want 1", left)
	}
}

// BenchmarkUpdate measures one single-document upsert with $inc, the commonest write of the
// product (quotas, codes, sessions).
func BenchmarkUpdate(b *testing.B) {
	s := storetest.Open(b)
	c := s.DB.Collection("bench")
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.UpdateOne(ctx, bson.M{"_id": i % 16}, bson.M{"$inc": bson.M{"n": 1}}, options.Update().SetUpsert(true)); err != nil {
			b.Fatal(err)
		}
	}
}
