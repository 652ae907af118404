package s3conn

import (
	"errors"
	"fmt"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
)

// Error is a failed S3 or STS call, safe to show in a status condition or a
// log: Message never holds an access key ID, a secret or a session token.
type Error struct {
	// Service and Operation name the call that failed, e.g. "S3"
	// "ListBuckets", or "STS" "AssumeRole" when fetching credentials for it
	// failed.
	Service, Operation string
	// Code is the API error code (InvalidAccessKeyId, SignatureDoesNotMatch,
	// AccessDenied, ExpiredToken...); empty when no response came back.
	Code string
	// StatusCode is the HTTP status; 0 when no response came back.
	StatusCode int
	// Message is the server's message, or the transport error, redacted.
	Message string
	// RequestID identifies the failed request to the provider's support.
	RequestID string

	// cause is kept for errors.Is (context.Canceled, net errors) only when
	// no API response came back; API errors are not kept because their text
	// is what may echo key material.
	cause error
}

// Error describes the failure without secret material.
func (e *Error) Error() string {
	s := e.Service + " " + e.Operation + ": "
	if e.Code != "" {
		s += e.Code
		if e.StatusCode != 0 {
			s += fmt.Sprintf(" (HTTP %d)", e.StatusCode)
		}
		s += ": "
	}
	return s + e.Message
}

// GoString is Error, so that %#v cannot print the kept cause.
func (e *Error) GoString() string { return "&s3conn.Error{" + e.Error() + "}" }

// Unwrap returns the transport or context error behind a failure that got no
// API response, and nil otherwise.
func (e *Error) Unwrap() error { return e.cause }

// newError converts an SDK error into an *Error. service and operation are
// used when err does not name the failing call itself.
func newError(service, operation string, err error, redact *redactor) *Error {
	e := &Error{Service: service, Operation: operation}
	if svc, op, ok := failingCall(err); ok {
		e.Service, e.Operation = svc, op
	}
	var resp *awshttp.ResponseError
	if errors.As(err, &resp) {
		e.StatusCode = resp.HTTPStatusCode()
		e.RequestID = resp.ServiceRequestID()
	}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		e.Code = apiErr.ErrorCode()
		e.Message = redact.scrub(apiErr.ErrorMessage())
		if e.Message == "" && e.StatusCode != 0 {
			e.Message = "no message"
		}
		return e
	}
	e.Message = redact.scrub(err.Error())
	e.cause = err
	return e
}

// failingCall returns the service and operation of the innermost SDK
// operation in err's chain: a ListBuckets whose credentials could not be
// fetched failed in STS AssumeRole, and that is what a user must fix.
func failingCall(err error) (service, operation string, ok bool) {
	for e := err; e != nil; e = errors.Unwrap(e) {
		if oe, isOp := e.(*smithy.OperationError); isOp {
			service, operation, ok = oe.ServiceID, oe.OperationName, true
		}
	}
	return service, operation, ok
}
