package mongo_test

import (
	"testing"

	"jszg/server/outbox"
	"jszg/server/outbox/outboxtest"
	"jszg/server/store/mongo/mongotest"
)

func TestOutboxContract(t *testing.T) {
	outboxtest.Run(t, func(t *testing.T) outbox.Store { return mongotest.Open(t).Outbox() })
}
