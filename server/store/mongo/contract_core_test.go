package mongo_test

import (
	"testing"

	"jszg/server/account"
	"jszg/server/account/accounttest"
	"jszg/server/session"
	"jszg/server/session/sessiontest"
	"jszg/server/settings"
	"jszg/server/settings/settingstest"
	"jszg/server/store/mongo/mongotest"
)

func TestAccountContract(t *testing.T) {
	accounttest.Run(t, func(t *testing.T) account.Store { return mongotest.Open(t).Accounts() })
}

func TestSessionContract(t *testing.T) {
	sessiontest.Run(t, func(t *testing.T) session.Store { return mongotest.Open(t).Sessions() })
}

func TestSettingsContract(t *testing.T) {
	settingstest.Run(t, func(t *testing.T) settings.Store { return mongotest.Open(t).Settings() })
}
