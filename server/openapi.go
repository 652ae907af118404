package server

import (
	_ "embed"
	"net/http"

	"github.com/labstack/echo/v4"
)

// openAPIDocument is the hand-written OpenAPI 3.1 description of every
// route New registers. openapi_test.go checks it against the routes and the
// Go types of the request and response bodies, so it cannot drift silently.
//
//go:embed openapi.json
var openAPIDocument []byte

// OpenAPI returns a copy of the server's OpenAPI 3.1 document, as JSON.
func OpenAPI() []byte {
	return append([]byte(nil), openAPIDocument...)
}

// serveOpenAPI answers GET /openapi.json. The document is public: it holds
// no configuration, only what every client of the API may know.
func serveOpenAPI(c echo.Context) error {
	c.Response().Header().Set("X-Content-Type-Options", "nosniff")
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, openAPIDocument)
}
