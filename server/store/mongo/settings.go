package mongo

import (
	"context"

	"go.mongodb.org/mongo-driver/bson"
)

const settingsCollection = "settings"

// Settings is the settings.Store.
type Settings struct{ d *DB }

// Settings returns the settings.
func (d *DB) Settings() *Settings { return &Settings{d} }

// PutIfAbsent implements settings.Store: an insert that only one instance can win (the name is
// the document id), then a read of the winner's value.
func (s *Settings) PutIfAbsent(ctx context.Context, name, value string) (string, error) {
	c := s.d.DB.Collection(settingsCollection)
	if _, err := c.InsertOne(ctx, bson.M{"_id": name, "value": value}); err != nil && !isDuplicate(err) {
		return "", err
	}
	var doc struct {
		Value string `bson:"value"`
	}
	err := c.FindOne(ctx, bson.M{"_id": name}).Decode(&doc)
	return doc.Value, err
}
