package mongo_test

import (
	"testing"

	"jszg/server/staff"
	"jszg/server/staff/stafftest"
	"jszg/server/store/mongo/mongotest"
)

func TestStaffContract(t *testing.T) {
	stafftest.Run(t, func(t *testing.T) staff.Store { return mongotest.Open(t).Staff() })
}
