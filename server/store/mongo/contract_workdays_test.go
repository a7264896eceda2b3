package mongo_test

import (
	"testing"

	"jszg/server/store/mongo/mongotest"
	"jszg/server/workdays"
	"jszg/server/workdays/workdaystest"
)

func TestWorkdaysContract(t *testing.T) {
	workdaystest.Run(t, func(t *testing.T) workdays.Store { return mongotest.Open(t).WorkdayYears() })
}
