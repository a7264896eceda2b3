package sqlite_test

import (
	"testing"

	"jszg/server/moelogin"
	"jszg/server/moelogin/moelogintest"
	"jszg/server/passwordreset"
	"jszg/server/passwordreset/passwordresettest"
)

func TestPasswordResetContract(t *testing.T) {
	passwordresettest.Run(t, func(t *testing.T) passwordreset.Store { return open(t).PasswordResets() })
}

func TestMoELoginContract(t *testing.T) {
	moelogintest.Run(t, func(t *testing.T) moelogin.Store { return open(t).MoEStates() })
}
