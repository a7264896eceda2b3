package mongo_test

import (
	"testing"

	"jszg/server/moelogin"
	"jszg/server/moelogin/moelogintest"
	"jszg/server/passwordreset"
	"jszg/server/passwordreset/passwordresettest"
	"jszg/server/store/mongo/mongotest"
)

func TestPasswordResetContract(t *testing.T) {
	passwordresettest.Run(t, func(t *testing.T) passwordreset.Store { return mongotest.Open(t).PasswordResets() })
}

func TestMoELoginContract(t *testing.T) {
	moelogintest.Run(t, func(t *testing.T) moelogin.Store { return mongotest.Open(t).MoEStates() })
}
