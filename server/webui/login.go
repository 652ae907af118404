package webui

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/s3am/s3-access-manager/server/auth"
)

// maxFormBytes bounds the body of the demo login form.
const maxFormBytes = 16 << 10

// login answers the login page; a visitor who is signed in already goes on
// to where the login was to lead.
func (w *webUI) login(c echo.Context) error {
	noStore(c)
	redirect := safeRedirect(c.QueryParam("redirect"))
	ok, expired := w.signedIn(c.Request())
	if ok && (w.o.Auth != nil || w.o.Sessions != nil) {
		return c.Redirect(http.StatusSeeOther, redirect)
	}
	return w.renderLogin(c, http.StatusOK, redirect, expired, "")
}

// renderLogin writes the login page with status.
func (w *webUI) renderLogin(c echo.Context, status int, redirect string, expired bool, problem string) error {
	body, err := w.pages.login(loginData{
		AssetBase: w.assets.base(),
		Redirect:  redirect,
		OIDC:      w.o.OIDCLogin,
		OIDCURL:   "/auth/login?redirect=" + url.QueryEscape(redirect),
		DemoUsers: w.o.DemoUsers,
		Expired:   expired,
		Error:     problem,
	})
	if err != nil {
		return fmt.Errorf("webui login page: %w", err)
	}
	return c.HTMLBlob(status, body)
}

// demoLogin signs in as one of the configured demo users, and nobody else.
// A cross-site form is refused, so that no other site can sign a visitor in
// under an identity of its choosing.
func (w *webUI) demoLogin(c echo.Context) error {
	noStore(c)
	r := c.Request()
	if err := w.cop.Check(r); err != nil {
		return echo.NewHTTPError(http.StatusForbidden, "cross-site request rejected").SetInternal(err)
	}
	r.Body = http.MaxBytesReader(c.Response(), r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "unreadable form").SetInternal(err)
	}
	redirect := safeRedirect(r.PostForm.Get("redirect"))
	u, ok := w.o.demoUser(r.PostForm.Get("user"))
	if !ok {
		w.o.Logger.Warn("demo login refused: not a demo user")
		return w.renderLogin(c, http.StatusForbidden, redirect, false, "That user is not one of this demo's users.")
	}
	id := auth.Identity{User: u.User, Groups: slices.Clone(u.Groups), Method: auth.MethodDemo}
	if err := w.o.Sessions.Issue(c.Response(), id); err != nil {
		return fmt.Errorf("demo login: %w", err)
	}
	return c.Redirect(http.StatusSeeOther, redirect)
}

// safeRedirect is auth.SafeRedirect that also refuses the login pages
// themselves, so that signing in never ends on a login page again.
func safeRedirect(target string) string {
	target = auth.SafeRedirect(target)
	if u, err := url.Parse(target); err != nil || u.Path == "/login" || strings.HasPrefix(u.Path, "/auth/") {
		return "/"
	}
	return target
}
