package sqlite_test

import (
	"testing"

	"jszg/server/audit"
	"jszg/server/audit/audittest"
)

func TestAuditContract(t *testing.T) {
	audittest.Run(t, func(t *testing.T) audit.Store { return open(t).Audit() })
}
