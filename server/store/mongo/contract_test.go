package mongo_test

import (
	"testing"

	"jszg/server/quota"
	"jszg/server/quota/quotatest"
	"jszg/server/store/mongo/mongotest"
)

func TestQuotaContract(t *testing.T) {
	quotatest.Run(t, func(t *testing.T) quota.Store { return mongotest.Open(t).Quotas() })
}
