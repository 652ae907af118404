package webui

import (
	"fmt"
	"html/template"
	"net/http"

	"github.com/labstack/echo/v4"
)

// linkPage is the recipient page of an AccessLink, GET /l/<token>: it needs
// no session, and its script reads the token from the URL and calls the
// server's /l/<token>/... routes. The page itself holds nothing of the link,
// so that a wrong or revoked token costs no lookup here.
type linkPage struct {
	tmpl *template.Template
}

func loadLinkPage() (*linkPage, error) {
	t, err := parsePage("link.html")
	if err != nil {
		return nil, err
	}
	return &linkPage{tmpl: t}, nil
}

func (w *webUI) link(c echo.Context) error {
	noStore(c)
	b, err := render(w.linkPage.tmpl, struct{ AssetBase string }{w.assets.base()})
	if err != nil {
		return fmt.Errorf("webui link page: %w", err)
	}
	return c.HTMLBlob(http.StatusOK, b)
}
