package mongo

import (
	"context"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// The working-day years admins add (package workdays): one document per year, the year its id.
const workdaysCollection = "workday_years"

// WorkdayYears is the workdays.Store.
type WorkdayYears struct{ d *DB }

// WorkdayYears returns the stored working-day years.
func (d *DB) WorkdayYears() *WorkdayYears { return &WorkdayYears{d} }

type workdayYear struct {
	Year int    `bson:"_id"`
	File []byte `bson:"file"`
}

// PutYear implements workdays.Store: one upsert of the year's document.
func (s *WorkdayYears) PutYear(ctx context.Context, year int, file []byte) error {
	_, err := s.d.DB.Collection(workdaysCollection).ReplaceOne(ctx, bson.M{"_id": year},
		workdayYear{Year: year, File: file}, options.Replace().SetUpsert(true))
	return err
}

// Years implements workdays.Store.
func (s *WorkdayYears) Years(ctx context.Context) (map[int][]byte, error) {
	cur, err := s.d.DB.Collection(workdaysCollection).Find(ctx, bson.M{})
	if err != nil {
		return nil, err
	}
	var docs []workdayYear
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	out := make(map[int][]byte, len(docs))
	for _, d := range docs {
		out[d.Year] = d.File
	}
	return out, nil
}
