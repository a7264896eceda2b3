package sqlite_test

import (
	"testing"

	"jszg/server/review"
	"jszg/server/review/reviewtest"
)

func TestReviewContract(t *testing.T) {
	reviewtest.Run(t, func(t *testing.T) (review.Store, review.PhotoStore) {
		db := open(t)
		return db.Reviews(), db.ReviewPhotos()
	})
}
