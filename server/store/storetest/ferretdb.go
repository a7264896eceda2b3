//go:build ferretdb

package storetest

import "jszg/server/store/mongo/mongotest"

func init() { openMongo = mongotest.Open }
