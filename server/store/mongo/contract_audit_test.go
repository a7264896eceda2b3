package mongo_test

import (
	"testing"

	"jszg/server/audit"
	"jszg/server/audit/audittest"
	"jszg/server/store/mongo/mongotest"
)

func TestAuditContract(t *testing.T) {
	audittest.Run(t, func(t *testing.T) audit.Store { return mongotest.Open(t).Audit() })
}
