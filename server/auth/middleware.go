package auth

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// Middleware authenticates every request with a, attaches the Identity to
// the request's context (FromContext), and rejects requests with an invalid
// credential (StatusCode: 401, 403 or 503) or with none (401), as
// *echo.HTTPError whose Internal error is the cause, safe to log.
func Middleware(a Authenticator) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			id, ok, err := a.Authenticate(r)
			if err != nil {
				status := StatusCode(err)
				if status == http.StatusUnauthorized {
					c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="s3am", error="invalid_token"`)
				}
				return echo.NewHTTPError(status, reasonOf(err)).SetInternal(err)
			}
			if !ok {
				c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="s3am"`)
				return echo.NewHTTPError(http.StatusUnauthorized, "authentication required")
			}
			c.SetRequest(r.WithContext(WithIdentity(r.Context(), id)))
			return next(c)
		}
	}
}
