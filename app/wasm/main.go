// Command wasm is the browser side of the account centre: compiled with GOOS=js GOARCH=wasm
// (go run ./app/cmd/webbuild) it becomes web/app.wasm, which the pages load to take over from
// their prerendered HTML.
package main

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	pages "jszg/app"
)

func main() {
	pages.Routes()
	app.RunWhenOnBrowser()
}
