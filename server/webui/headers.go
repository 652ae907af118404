package webui

import (
	"strings"

	"github.com/labstack/echo/v4"
)

// contentSecurityPolicy allows scripts, styles and images from this server
// only (no inline script, no inline style attribute), API calls to this
// server and uploads to the S3 endpoints in connect, forms to this server,
// and no framing.
func contentSecurityPolicy(connect []string) string {
	sources := []string{"'self'"}
	if len(connect) == 0 {
		sources = append(sources, "https:")
	} else {
		sources = append(sources, connect...)
	}
	return strings.Join([]string{
		"default-src 'none'",
		"script-src 'self'",
		"style-src 'self'",
		"img-src 'self' data:",
		"font-src 'self'",
		"connect-src " + strings.Join(sources, " "),
		"form-action 'self'",
		"base-uri 'none'",
		"frame-ancestors 'none'",
		"manifest-src 'self'",
	}, "; ")
}

// securityHeaders sets the headers every answer of the app carries.
func securityHeaders(csp string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			h := c.Response().Header()
			h.Set("Content-Security-Policy", csp)
			h.Set("X-Content-Type-Options", "nosniff")
			// Page URLs name buckets and folders; presigned URLs are bearer
			// tokens. Neither may travel in a Referer.
			h.Set("Referrer-Policy", "no-referrer")
			h.Set("X-Frame-Options", "DENY")
			h.Set("Cross-Origin-Opener-Policy", "same-origin")
			h.Set("Cross-Origin-Resource-Policy", "same-origin")
			h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()")
			return next(c)
		}
	}
}

// noStore marks an answer that must not be cached: pages carry the
// signed-in state and the version of the assets they load.
func noStore(c echo.Context) {
	c.Response().Header().Set("Cache-Control", "no-store")
}
