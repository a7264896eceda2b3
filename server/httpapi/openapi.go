package httpapi

import (
	_ "embed"

	"github.com/gofiber/fiber/v2"
)

// OpenAPI is the API's description. A test checks it against the routes the server registers,
// so a route added without its description fails the build.
//
//go:embed openapi.json
var OpenAPI []byte

func (a *API) openapi(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Send(OpenAPI)
}
