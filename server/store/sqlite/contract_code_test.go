package sqlite_test

import (
	"testing"

	"jszg/server/code"
	"jszg/server/code/codetest"
)

func TestCodeContract(t *testing.T) {
	codetest.Run(t, func(t *testing.T) code.Store { return open(t).Codes() })
}
