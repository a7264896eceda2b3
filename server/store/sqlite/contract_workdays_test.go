package sqlite_test

import (
	"testing"

	"jszg/server/workdays"
	"jszg/server/workdays/workdaystest"
)

func TestWorkdaysContract(t *testing.T) {
	workdaystest.Run(t, func(t *testing.T) workdays.Store { return open(t).WorkdayYears() })
}
