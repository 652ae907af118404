package server

import (
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/s3am/s3-access-manager/server/auth"
)

// requestIDKey is where requestID keeps the ID in the Echo context.
const requestIDKey = "s3am.requestID"

// requestID gives every request a fresh ID, in the response's X-Request-Id
// header and in its audit event. A client's own X-Request-Id is not reused:
// the audit trail's correlation must not be chosen by the caller.
func (s *Server) requestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		b := make([]byte, 12)
		_, _ = rand.Read(b) // crypto/rand.Read never fails
		id := hex.EncodeToString(b)
		c.Set(requestIDKey, id)
		c.Response().Header().Set(echo.HeaderXRequestID, id)
		return next(c)
	}
}

// observe counts and times every request and writes the access log. It
// logs the route pattern, never the URL: query strings carry keys and
// continuation tokens, and nothing here may echo a presigned URL.
func (s *Server) observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		route := c.Path()
		if route == "" {
			route = "unmatched"
		}
		method := c.Request().Method
		status := c.Response().Status
		elapsed := time.Since(start)
		s.metrics.requests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
		s.metrics.latency.WithLabelValues(method, route).Observe(elapsed.Seconds())
		user := ""
		if id, ok := auth.FromContext(c.Request().Context()); ok {
			user = id.User
		}
		s.log.Info("request", "method", method, "route", route, "status", status,
			"duration", elapsed, "requestId", c.Get(requestIDKey), "user", user)
		return nil
	}
}
