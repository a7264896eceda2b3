package mongo_test

import (
	"testing"

	"jszg/server/review"
	"jszg/server/review/reviewtest"
	"jszg/server/store/mongo/mongotest"
)

func TestReviewContract(t *testing.T) {
	reviewtest.Run(t, func(t *testing.T) (review.Store, review.PhotoStore) {
		db := mongotest.Open(t)
		return db.Reviews(), db.ReviewPhotos()
	})
}
