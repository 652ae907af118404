package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

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
// continuation tokens, and nothing here may echo a presigned URL. Every
// label and logged field is bounded, since anonymous clients choose the
// method, path and user agent: the method is one of methodLabels, the route
// a registered template, and the rest are cut at maxLogField bytes.
func (s *Server) observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		route := s.routes.label(c.Echo(), c.Path())
		method := methodLabel(c.Request().Method)
		status := c.Response().Status
		elapsed := time.Since(start)
		children := s.metrics.answer(answerLabels{method, route, status})
		children.count.Inc()
		children.latency.Observe(elapsed.Seconds())
		r := c.Request()
		if !s.log.Enabled(context.Background(), slog.LevelInfo) {
			return nil
		}
		user := ""
		if id, ok := auth.FromContext(r.Context()); ok {
			user = id.User
		}
		// LogAttrs writes what Info would, without boxing each value.
		s.log.LogAttrs(context.Background(), slog.LevelInfo, "request", slog.String("method", method), slog.String("route", route),
			slog.Int("status", status), slog.Duration("duration", elapsed), slog.Any("requestId", c.Get(requestIDKey)),
			slog.String("user", bounded(user)), slog.String("userAgent", bounded(r.UserAgent())))
		return nil
	}
}

// methodLabels are the methods counted under their own name; any other
// (clients may send any token, of any length) is "other".
var methodLabels = map[string]string{
	http.MethodGet: http.MethodGet, http.MethodHead: http.MethodHead, http.MethodPost: http.MethodPost,
	http.MethodPut: http.MethodPut, http.MethodPatch: http.MethodPatch, http.MethodDelete: http.MethodDelete,
	http.MethodOptions: http.MethodOptions, http.MethodConnect: http.MethodConnect, http.MethodTrace: http.MethodTrace,
}

// methodLabel maps a request method to a bounded set of label values.
func methodLabel(m string) string {
	if l, ok := methodLabels[m]; ok {
		return l
	}
	return "other"
}

// routeUnmatched labels requests that matched no registered route.
const routeUnmatched = "unmatched"

// routeSet remembers the registered route templates, so that only they
// become labels. Echo sets c.Path() from its routing tree, but a handler
// may change it; the set is the guarantee. Routes are registered after New
// returns (login and web app), so it is rebuilt when a path is missing.
type routeSet struct {
	mu    sync.RWMutex
	known map[string]bool
}

// label returns path if it is a registered route template, routeUnmatched
// otherwise.
func (r *routeSet) label(e *echo.Echo, path string) string {
	if path == "" {
		return routeUnmatched
	}
	r.mu.RLock()
	ok := r.known[path]
	r.mu.RUnlock()
	if ok {
		return path
	}
	known := map[string]bool{}
	for _, rt := range e.Routes() {
		known[rt.Path] = true
	}
	r.mu.Lock()
	r.known = known
	r.mu.Unlock()
	if known[path] {
		return path
	}
	return routeUnmatched
}

// maxLogField bounds a logged string a client chose.
const maxLogField = 256

// bounded cuts s to maxLogField bytes on a rune boundary, saying how much
// was cut.
func bounded(s string) string {
	if len(s) <= maxLogField {
		return s
	}
	cut := maxLogField
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…(+" + strconv.Itoa(len(s)-cut) + " bytes)"
}
