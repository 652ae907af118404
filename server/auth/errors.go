package auth

import (
	"errors"
	"fmt"
	"net/http"
)

// ErrCSRF is the cause of a state-changing cookie-authenticated request
// rejected as a possible cross-site request forgery.
var ErrCSRF = errors.New("cross-site request check failed")

// ErrExpired is the cause of a rejected credential that has expired.
var ErrExpired = errors.New("credential expired")

// Error is a credential that was recognised but rejected, or that could not
// be checked. Its message names the method and what failed, never the
// credential itself, so it is safe to log and (Reason) to show to the caller.
type Error struct {
	// Method is the Method constant of the authenticator that rejected it.
	Method string
	// Status is the HTTP status to answer: 401, 403 (CSRF) or 503 (the
	// verifier could not be reached).
	Status int
	// Reason is a short description, safe to show to the caller.
	Reason string
	// Code is a stable reason code for the audit trail (one of the Reason
	// constants); empty for rejections that are not audited (Audited).
	Code string
	// Err is the cause, for logs; it may be nil.
	Err error
}

// Reason codes of the rejections that are audited.
const (
	// ReasonUnexpectedIdentityHeader: a request from the trusted proxy
	// carried an identity header other than the configured ones.
	ReasonUnexpectedIdentityHeader = "UnexpectedIdentityHeader"
	// ReasonInvalidProxyIdentity: the trusted proxy's identity headers were
	// missing, repeated or malformed.
	ReasonInvalidProxyIdentity = "InvalidProxyIdentity"
)

// Audited returns the rejection in err when it must be recorded in the
// audit trail: those with a Code, which only a trusted proxy can cause, so
// anonymous clients cannot fill the trail with them. They mean a client
// tried to pass identity headers through the proxy, or that the proxy is
// misconfigured. Other rejected credentials (bearer tokens, cookies) anyone
// can send, and are only logged.
func Audited(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) && e.Code != "" {
		return e, true
	}
	return nil, false
}

// Error describes the rejection.
func (e *Error) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("auth %s: %s", e.Method, e.Reason)
	}
	return fmt.Sprintf("auth %s: %s: %v", e.Method, e.Reason, e.Err)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

func rejected(method, reason string, err error) *Error {
	return &Error{Method: method, Status: http.StatusUnauthorized, Reason: reason, Err: err}
}

func unavailable(method, reason string, err error) *Error {
	return &Error{Method: method, Status: http.StatusServiceUnavailable, Reason: reason, Err: err}
}

func forbidden(method string, err error) *Error {
	return &Error{Method: method, Status: http.StatusForbidden, Reason: "cross-site request rejected", Err: err}
}

// StatusCode returns the HTTP status for an error an Authenticator returned:
// the Error's Status, or 401 for any other error.
func StatusCode(err error) int {
	var e *Error
	if errors.As(err, &e) && e.Status != 0 {
		return e.Status
	}
	return http.StatusUnauthorized
}
