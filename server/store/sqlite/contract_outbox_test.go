package sqlite_test

import (
	"testing"

	"jszg/server/outbox"
	"jszg/server/outbox/outboxtest"
)

func TestOutboxContract(t *testing.T) {
	outboxtest.Run(t, func(t *testing.T) outbox.Store { return open(t).Outbox() })
}
