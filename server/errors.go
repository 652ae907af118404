package server

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/s3am/s3-access-manager/internal/objects"
	"github.com/s3am/s3-access-manager/internal/redact"
)

// ErrorBody is the JSON answer of every failed request.
type ErrorBody struct {
	// Error explains the failure to a person.
	Error string `json:"error"`
	// Reason is a stable code: a keys.Reason, an authz.Reason, an
	// objects.Kind, or one of this package's reasons.
	Reason string `json:"reason,omitempty"`
}

// Reasons of this package, for failures that neither keys, authz nor
// objects name.
const (
	ReasonBadRequest            = "BadRequest"
	ReasonAuditUnavailable      = "AuditUnavailable"
	ReasonTooLarge              = "ObjectTooLarge"
	ReasonContentTypeNotAllowed = "ContentTypeNotAllowed"
	ReasonNotAdmin              = "NotAdmin"
	ReasonConnectionUnavailable = "ConnectionUnavailable"
	ReasonGrantsUnavailable     = "GrantsUnavailable"
)

// apiError is a failure a handler answers with.
type apiError struct {
	status int
	body   ErrorBody
}

func (e *apiError) Error() string {
	return fmt.Sprintf("%d %s: %s", e.status, e.body.Reason, e.body.Error)
}

func newAPIError(status int, reason, format string, args ...any) *apiError {
	return &apiError{status: status, body: ErrorBody{Error: fmt.Sprintf(format, args...), Reason: reason}}
}

// objectsError turns a failure of an objects.Service into its answer. Its
// message is safe to show: objects never puts secrets in errors.
func objectsError(err error) *apiError {
	kind := objects.KindOf(err)
	return &apiError{status: kind.HTTPStatus(), body: ErrorBody{Error: redact.String(err.Error()), Reason: string(kind)}}
}

// handleError writes every error as an ErrorBody.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	var ae *apiError
	var he *echo.HTTPError
	switch {
	case errors.As(err, &ae):
	case errors.As(err, &he):
		msg := http.StatusText(he.Code)
		if m, ok := he.Message.(string); ok && m != "" {
			msg = m
		}
		ae = &apiError{status: he.Code, body: ErrorBody{Error: msg}}
		if he.Internal != nil && he.Code >= http.StatusInternalServerError {
			s.log.Error("request failed", "requestId", c.Get(requestIDKey), "error", bounded(redact.String(he.Internal.Error())))
		}
	default:
		s.log.Error("request failed", "requestId", c.Get(requestIDKey), "error", bounded(redact.String(err.Error())))
		ae = &apiError{status: http.StatusInternalServerError, body: ErrorBody{Error: "internal error"}}
	}
	var werr error
	if c.Request().Method == http.MethodHead {
		werr = c.NoContent(ae.status)
	} else {
		werr = c.JSON(ae.status, ae.body)
	}
	if werr != nil {
		s.log.Debug("writing error response", "error", werr)
	}
}
