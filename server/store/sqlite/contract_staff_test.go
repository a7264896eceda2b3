package sqlite_test

import (
	"testing"

	"jszg/server/staff"
	"jszg/server/staff/stafftest"
)

func TestStaffContract(t *testing.T) {
	stafftest.Run(t, func(t *testing.T) staff.Store { return open(t).Staff() })
}
