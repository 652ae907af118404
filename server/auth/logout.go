package auth

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// Logout clears the session cookies and redirects (303) to the "redirect"
// query parameter, a path on this server, or "/". A cross-origin request is
// refused (403) so that other sites cannot log users out; the CSRF token is
// not required, so that a plain HTML form can log out. The session is
// stateless: a copy of the cookie taken before stays valid until it expires.
func (s *Sessions) Logout(c echo.Context) error {
	if err := s.origins.check(c.Request()); err != nil {
		return echo.NewHTTPError(http.StatusForbidden, "cross-site request rejected").SetInternal(err)
	}
	s.Clear(c.Response())
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.Redirect(http.StatusSeeOther, SafeRedirect(c.QueryParam("redirect")))
}
