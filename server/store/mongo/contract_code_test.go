package mongo_test

import (
	"testing"

	"jszg/server/code"
	"jszg/server/code/codetest"
	"jszg/server/store/mongo/mongotest"
)

func TestCodeContract(t *testing.T) {
	codetest.Run(t, func(t *testing.T) code.Store { return mongotest.Open(t).Codes() })
}
