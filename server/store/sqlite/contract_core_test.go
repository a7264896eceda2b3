package sqlite_test

import (
	"testing"

	"jszg/server/account"
	"jszg/server/account/accounttest"
	"jszg/server/session"
	"jszg/server/session/sessiontest"
	"jszg/server/settings"
	"jszg/server/settings/settingstest"
)

func TestAccountContract(t *testing.T) {
	accounttest.Run(t, func(t *testing.T) account.Store { return open(t).Accounts() })
}

func TestSessionContract(t *testing.T) {
	sessiontest.Run(t, func(t *testing.T) session.Store { return open(t).Sessions() })
}

func TestSettingsContract(t *testing.T) {
	settingstest.Run(t, func(t *testing.T) settings.Store { return open(t).Settings() })
}
