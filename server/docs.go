package server

import (
	"embed"
	"errors"
	"io/fs"
	"net/http"
	"path"

	"github.com/labstack/echo/v4"
)

// docsFiles holds the API viewer: one page and the script and style sheet
// it loads. It makes no request but to this server, so it works offline and
// behind a restrictive egress policy.
//
//go:embed docs/index.html docs/viewer.js docs/viewer.css
var docsFiles embed.FS

// docsPolicy forbids the viewer everything but its own files and the
// OpenAPI document, so even a description that tried to inject markup could
// not load or send anything elsewhere.
const docsPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; " +
	"img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// docsTypes are the content types of the viewer's files, by extension.
var docsTypes = map[string]string{
	".html": echo.MIMETextHTMLCharsetUTF8,
	".js":   "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
}

// registerDocs adds the anonymous routes that describe the API: the OpenAPI
// document and its viewer.
func registerDocs(e *echo.Group) {
	e.GET("/openapi.json", serveOpenAPI)
	e.GET("/docs", func(c echo.Context) error { return serveDocsFile(c, "index.html") })
	e.GET("/docs/:asset", func(c echo.Context) error { return serveDocsFile(c, c.Param("asset")) })
}

// serveDocsFile answers with one of the viewer's files; names are looked up
// in the embedded set only, so no request can reach the file system.
func serveDocsFile(c echo.Context, name string) error {
	contentType, ok := docsTypes[path.Ext(name)]
	if !ok || !fs.ValidPath(name) {
		return echo.ErrNotFound
	}
	body, err := docsFiles.ReadFile("docs/" + name)
	if errors.Is(err, fs.ErrNotExist) {
		return echo.ErrNotFound
	}
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Content-Security-Policy", docsPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	return c.Blob(http.StatusOK, contentType, body)
}
