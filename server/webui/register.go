package webui

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"
)

// appPaths are the paths of the app's pages; the scripts render each one.
var appPaths = []string{"/", "/browse", "/admin/audit", "/admin/access"}

// webUI holds what the handlers need.
type webUI struct {
	o      Options
	assets *assetSet
	pages  *pages
	cop    *http.CrossOriginProtection
	// linkPage is the recipient page of AccessLinks.
	linkPage *linkPage
}

// Register adds the web app's routes (see the package documentation) to e,
// which is normally the application of server.New. With OIDC login, register
// the OIDC routes under /auth too; Register adds POST /auth/logout only
// without them.
func Register(e *echo.Echo, o Options) error {
	if err := o.validate(); err != nil {
		return err
	}
	assets, err := loadAssets()
	if err != nil {
		return err
	}
	p, err := loadPages()
	if err != nil {
		return err
	}
	lp, err := loadLinkPage()
	if err != nil {
		return err
	}
	w := &webUI{o: o, assets: assets, pages: p, cop: http.NewCrossOriginProtection(), linkPage: lp}
	headers := securityHeaders(contentSecurityPolicy(o.ConnectOrigins))

	for _, path := range appPaths {
		e.GET(path, w.shell, headers)
	}
	e.GET("/login", w.login, headers)
	e.GET("/l/:token", w.link, headers)
	e.GET("/ui/:version/*", assets.serve, headers)
	e.GET("/favicon.ico", w.favicon, headers)
	if len(o.DemoUsers) > 0 {
		e.POST("/auth/demo", w.demoLogin, headers)
	}
	if !o.OIDCLogin && o.Sessions != nil {
		e.POST("/auth/logout", o.Sessions.Logout, headers)
	}
	return nil
}

// favicon answers the browsers that ask for /favicon.ico whatever the page
// says, with the app's icon.
func (w *webUI) favicon(c echo.Context) error {
	return c.Redirect(http.StatusMovedPermanently, w.assets.base()+"icon.svg")
}

// loginAvailable reports whether the login page offers a way to sign in.
func (w *webUI) loginAvailable() bool {
	return w.o.OIDCLogin || len(w.o.DemoUsers) > 0
}

// signedIn reports whether r carries a valid credential; true when no
// authenticator is configured, since then the API decides alone.
func (w *webUI) signedIn(r *http.Request) (signedIn bool, expired bool) {
	a := w.o.Auth
	if a == nil && w.o.Sessions != nil {
		a = w.o.Sessions
	}
	if a == nil {
		return true, false
	}
	_, ok, err := a.Authenticate(r)
	if err != nil {
		return false, true
	}
	return ok, false
}

// shell answers a page of the app: the HTML that loads the scripts, or a
// redirect to the login page for a visitor who is not signed in.
func (w *webUI) shell(c echo.Context) error {
	noStore(c)
	if ok, _ := w.signedIn(c.Request()); !ok && w.loginAvailable() {
		return c.Redirect(http.StatusSeeOther, "/login?redirect="+urlQueryEscape(c.Request().URL.RequestURI()))
	}
	body, err := w.pages.shell(w.shellData())
	if err != nil {
		return fmt.Errorf("webui shell: %w", err)
	}
	return c.HTMLBlob(http.StatusOK, body)
}
