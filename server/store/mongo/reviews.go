package mongo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/gridfs"
	"go.mongodb.org/mongo-driver/mongo/options"

	"jszg/server/account"
	"jszg/server/review"
)

// Manual reviews: applications in reviews; their sealed photos in the GridFS bucket
// review_photos (review_photos.files and .chunks), apart from every account document.
const (
	reviewsCollection = "reviews"
	reviewPhotoBucket = "review_photos"
)

func init() {
	setup(func(ctx context.Context, d *DB) error {
		return d.ensureIndexes(ctx, reviewsCollection,
			index{name: "account_submitted", keys: bson.D{{Key: "account_id", Value: 1}, {Key: "submitted_at", Value: -1}}},
			index{name: "state_due", keys: bson.D{{Key: "state", Value: 1}, {Key: "due_at", Value: 1}}},
			index{name: "decided_at", keys: bson.D{{Key: "decided_at", Value: 1}}},
		)
	})
}

// Reviews is the review.Store.
type Reviews struct{ d *DB }

// Reviews returns the manual-review applications.
func (d *DB) Reviews() *Reviews { return &Reviews{d} }

func (s *Reviews) coll() *mongo.Collection { return s.d.DB.Collection(reviewsCollection) }

// Create implements review.Store.
// The identity an application was submitted with is personal data: sealed like an account's
// (package pii), bound to the application.
func (s *Reviews) Create(ctx context.Context, plain *review.Application) error {
	if s.d.pii == nil {
		return account.ErrNoKeys
	}
	a := *plain
	var err error
	if a.DocNumber, err = s.d.pii.Seal(a.DocNumber, a.ID, "review_doc_number"); err != nil {
		return err
	}
	if a.Name, err = s.d.pii.Seal(a.Name, a.ID, "review_name"); err != nil {
		return err
	}
	_, err = s.coll().InsertOne(ctx, &a)
	return err
}

func (s *Reviews) one(ctx context.Context, filter bson.M, opts ...*options.FindOneOptions) (*review.Application, error) {
	var a review.Application
	err := s.coll().FindOne(ctx, filter, opts...).Decode(&a)
	if notFound(err) {
		return nil, review.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load review: %w", err)
	}
	if err := s.reviewUTC(&a); err != nil {
		return nil, err
	}
	return &a, nil
}

// reviewUTC gives the decoded times the UTC location the SQLite engine returns too, and unseals
// the identity.
func (s *Reviews) reviewUTC(a *review.Application) error {
	a.SubmittedAt, a.DueAt, a.LeaseUntil, a.DecidedAt = utc(a.SubmittedAt), utc(a.DueAt), utc(a.LeaseUntil), utc(a.DecidedAt)
	if s.d.pii == nil {
		return account.ErrNoKeys
	}
	var err error
	if a.DocNumber, err = s.d.pii.Open(a.DocNumber, a.ID, "review_doc_number"); err != nil {
		return fmt.Errorf("open review %s: %w", a.ID, err)
	}
	if a.Name, err = s.d.pii.Open(a.Name, a.ID, "review_name"); err != nil {
		return fmt.Errorf("open review %s: %w", a.ID, err)
	}
	return nil
}

// ByID implements review.Store.
func (s *Reviews) ByID(ctx context.Context, id string) (*review.Application, error) {
	return s.one(ctx, bson.M{"_id": id})
}

// Latest implements review.Store.
func (s *Reviews) Latest(ctx context.Context, accountID string) (*review.Application, error) {
	return s.one(ctx, bson.M{"account_id": accountID}, options.FindOne().SetSort(bson.D{{Key: "submitted_at", Value: -1}}))
}

func (s *Reviews) list(ctx context.Context, filter bson.M, o *options.FindOptions) ([]*review.Application, error) {
	cur, err := s.coll().Find(ctx, filter, o)
	if err != nil {
		return nil, err
	}
	var out []*review.Application
	if err := cur.All(ctx, &out); err != nil {
		return nil, err
	}
	for _, a := range out {
		if err := s.reviewUTC(a); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Pending implements review.Store.
func (s *Reviews) Pending(ctx context.Context, limit int) ([]*review.Application, error) {
	return s.list(ctx, bson.M{"state": review.Pending},
		options.Find().SetSort(bson.D{{Key: "due_at", Value: 1}, {Key: "submitted_at", Value: 1}}).SetLimit(int64(limit)))
}

// PendingDueFrom implements review.Store.
func (s *Reviews) PendingDueFrom(ctx context.Context, from time.Time, after string, limit int) ([]*review.Application, error) {
	filter := bson.M{"state": review.Pending, "due_at": bson.M{"$gte": from}}
	if after != "" {
		filter = bson.M{"state": review.Pending, "$or": bson.A{
			bson.M{"due_at": bson.M{"$gt": from}}, bson.M{"due_at": from, "_id": bson.M{"$gt": after}},
		}}
	}
	return s.list(ctx, filter, options.Find().SetSort(bson.D{{Key: "due_at", Value: 1}, {Key: "_id", Value: 1}}).SetLimit(int64(limit)))
}

// SetDue implements review.Store with one conditional update.
func (s *Reviews) SetDue(ctx context.Context, id string, due time.Time, provisional bool) (bool, error) {
	res, err := s.coll().UpdateOne(ctx, bson.M{"_id": id, "state": review.Pending},
		bson.M{"$set": bson.M{"due_at": due, "due_provisional": provisional}})
	if err != nil {
		return false, err
	}
	return res.MatchedCount == 1, nil
}

// Decided implements review.Store.
func (s *Reviews) Decided(ctx context.Context, since time.Time, limit int) ([]*review.Application, error) {
	return s.list(ctx, bson.M{"decided_at": bson.M{"$gte": since, "$gt": time.Time{}}},
		options.Find().SetSort(bson.D{{Key: "decided_at", Value: -1}}).SetLimit(int64(limit)))
}

// Claim implements review.Store with one conditional update.
func (s *Reviews) Claim(ctx context.Context, id, reviewer string, now, until time.Time) (bool, error) {
	res, err := s.coll().UpdateOne(ctx, bson.M{"_id": id, "state": review.Pending, "$or": bson.A{
		bson.M{"claimed_by": ""}, bson.M{"claimed_by": reviewer}, bson.M{"lease_until": bson.M{"$lte": now}},
	}}, bson.M{"$set": bson.M{"claimed_by": reviewer, "lease_until": until}})
	if err != nil {
		return false, err
	}
	return res.MatchedCount == 1, nil
}

// Decide implements review.Store with one conditional update.
func (s *Reviews) Decide(ctx context.Context, id, reviewer, to, reason string, now time.Time) (bool, error) {
	res, err := s.coll().UpdateOne(ctx,
		bson.M{"_id": id, "state": review.Pending, "claimed_by": reviewer, "lease_until": bson.M{"$gt": now}},
		bson.M{"$set": bson.M{"state": to, "decision_reason": reason, "decided_by": reviewer, "decided_at": now}})
	if err != nil {
		return false, err
	}
	return res.ModifiedCount == 1, nil
}

// ReviewPhotos is the review.PhotoStore on GridFS.
type ReviewPhotos struct{ d *DB }

// ReviewPhotos returns the sealed photos.
func (d *DB) ReviewPhotos() *ReviewPhotos { return &ReviewPhotos{d} }

// bucket is made per call: a Bucket's deadlines are state of the value, not of a call.
func (s *ReviewPhotos) bucket(ctx context.Context) (*gridfs.Bucket, error) {
	b, err := gridfs.NewBucket(s.d.DB, options.GridFSBucket().SetName(reviewPhotoBucket))
	if err != nil {
		return nil, err
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = b.SetWriteDeadline(dl)
		_ = b.SetReadDeadline(dl)
	} else {
		_ = b.SetWriteDeadline(time.Now().Add(30 * time.Second))
		_ = b.SetReadDeadline(time.Now().Add(30 * time.Second))
	}
	return b, nil
}

// Put implements review.PhotoStore.
func (s *ReviewPhotos) Put(ctx context.Context, id string, sealed []byte) error {
	b, err := s.bucket(ctx)
	if err != nil {
		return err
	}
	return b.UploadFromStreamWithID(id, id, bytes.NewReader(sealed))
}

// Get implements review.PhotoStore.
func (s *ReviewPhotos) Get(ctx context.Context, id string) ([]byte, error) {
	b, err := s.bucket(ctx)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := b.DownloadToStream(id, &buf); err != nil {
		if errors.Is(err, gridfs.ErrFileNotFound) {
			return nil, review.ErrNotFound
		}
		return nil, err
	}
	return buf.Bytes(), nil
}
