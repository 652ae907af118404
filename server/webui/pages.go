package webui

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"net/url"
)

//go:embed templates/*.html
var templateFiles embed.FS

// pages renders the two server-side pages: the app's shell and the login
// page.
type pages struct {
	shellTmpl *template.Template
	loginTmpl *template.Template
}

func loadPages() (*pages, error) {
	shell, err := parsePage("shell.html")
	if err != nil {
		return nil, err
	}
	login, err := parsePage("login.html")
	if err != nil {
		return nil, err
	}
	return &pages{shellTmpl: shell, loginTmpl: login}, nil
}

// parsePage parses the page name of templates/ with the layout and the
// partials every page shares (templates/layout.html).
func parsePage(name string) (*template.Template, error) {
	t, err := template.ParseFS(templateFiles, "templates/layout.html", "templates/"+name)
	if err != nil {
		return nil, fmt.Errorf("webui templates: %w", err)
	}
	return t, nil
}

// render executes a page parsed by parsePage with the data d.
func render(page *template.Template, d any) ([]byte, error) {
	var b bytes.Buffer
	if err := page.ExecuteTemplate(&b, "layout", d); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// clientConfig is what the scripts learn from the shell, in a meta element
// (no inline script is allowed).
type clientConfig struct {
	Version    string `json:"version"`
	Demo       bool   `json:"demo"`
	Login      bool   `json:"login"`
	Logout     bool   `json:"logout"`
	AdminGroup string `json:"adminGroup,omitempty"`
}

// shellData is the data of the shell template.
type shellData struct {
	AssetBase string
	Demo      bool
	Config    string
}

func (w *webUI) shellData() shellData {
	cfg, _ := json.Marshal(clientConfig{ // cannot fail: strings and bools
		Version:    w.assets.version,
		Demo:       len(w.o.DemoUsers) > 0,
		Login:      w.loginAvailable(),
		Logout:     w.o.OIDCLogin || w.o.Sessions != nil,
		AdminGroup: w.o.AdminGroup,
	})
	return shellData{AssetBase: w.assets.base(), Demo: len(w.o.DemoUsers) > 0, Config: string(cfg)}
}

func (p *pages) shell(d shellData) ([]byte, error) { return render(p.shellTmpl, d) }

// loginData is the data of the login template.
type loginData struct {
	AssetBase string
	Redirect  string
	OIDC      bool
	OIDCURL   string
	DemoUsers []DemoUser
	Expired   bool
	Error     string
}

func (p *pages) login(d loginData) ([]byte, error) { return render(p.loginTmpl, d) }

// urlQueryEscape escapes s for a query parameter.
func urlQueryEscape(s string) string { return url.QueryEscape(s) }
