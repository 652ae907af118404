package objects

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"

	"github.com/s3am/s3-access-manager/internal/redact"
	"github.com/s3am/s3-access-manager/internal/s3conn"
)

// Kind classifies a failure for the server, which turns it into an HTTP status.
type Kind string

// Kinds of failure.
const (
	// KindInvalidArgument: the request itself is wrong (bad key, size, part
	// number, content type); nothing was sent to S3.
	KindInvalidArgument Kind = "InvalidArgument"
	// KindNotFound: no such object or bucket.
	KindNotFound Kind = "NotFound"
	// KindAccessDenied: S3 refused the connection's credentials for this
	// object.
	KindAccessDenied Kind = "AccessDenied"
	// KindInvalidPart: a part to complete was not uploaded, its ETag does not
	// match, or the parts are out of order.
	KindInvalidPart Kind = "InvalidPart"
	// KindNoSuchUpload: the multipart upload does not exist (completed,
	// aborted, or expired by a lifecycle rule).
	KindNoSuchUpload Kind = "NoSuchUpload"
	// KindEntityTooSmall: a part other than the last is below MinPartSize.
	KindEntityTooSmall Kind = "EntityTooSmall"
	// KindEntityTooLarge: an object or part exceeds S3's or the grant's limit.
	KindEntityTooLarge Kind = "EntityTooLarge"
	// KindUnavailable: S3 or STS could not be reached, was overloaded, or the
	// connection's own credentials no longer work; retrying later may help.
	KindUnavailable Kind = "Unavailable"
	// KindTimeout: S3 or STS did not answer within the call timeout
	// (Options.CallTimeout); whether a change happened is unknown.
	KindTimeout Kind = "Timeout"
	// KindAlreadyExists: an upload that must not replace an object
	// (If-None-Match: *) found one at its key.
	KindAlreadyExists Kind = "AlreadyExists"
	// KindInternal: anything else, such as a session policy too large for STS
	// or an answer S3 should not have given.
	KindInternal Kind = "Internal"
)

// HTTPStatus is the status the server should answer with for k.
func (k Kind) HTTPStatus() int {
	switch k {
	case KindInvalidArgument, KindInvalidPart, KindEntityTooSmall:
		return http.StatusBadRequest
	case KindNotFound, KindNoSuchUpload:
		return http.StatusNotFound
	case KindAccessDenied:
		return http.StatusForbidden
	case KindEntityTooLarge:
		return http.StatusRequestEntityTooLarge
	case KindUnavailable:
		return http.StatusServiceUnavailable
	case KindTimeout:
		return http.StatusGatewayTimeout
	case KindAlreadyExists:
		return http.StatusPreconditionFailed
	}
	return http.StatusInternalServerError
}

// Error is a failed operation of a Service. Its text is safe to log and to
// show: it never holds credentials, session tokens or URL signatures. S3's
// own messages are not kept, because on AWS some of them (signature
// mismatches) echo the request's access key ID and canonical form.
type Error struct {
	// Kind classifies the failure.
	Kind Kind
	// Op is the Service method that failed, e.g. "PresignPut".
	Op string
	// Code is the S3 or STS error code (NoSuchKey, AccessDenied, ...) when
	// one came back.
	Code string
	// StatusCode is S3's HTTP status; 0 when no response came back.
	StatusCode int
	// RequestID identifies the failed request to the provider's support.
	RequestID string
	// Message explains the failure in words fit for a user.
	Message string

	// cause is kept for errors.Is and errors.As only when it carries no
	// server text: validation errors (*keys.Error), context and transport
	// errors, *s3conn.Error (already redacted), *policy.TooLargeError.
	cause error
}

// Error describes the failure without secret material.
func (e *Error) Error() string {
	s := "objects: " + e.Op + ": " + e.Message
	if e.Code != "" {
		s += " (" + e.Code
		if e.StatusCode != 0 {
			s += fmt.Sprintf(", HTTP %d", e.StatusCode)
		}
		s += ")"
	}
	return s
}

// Unwrap returns the kept cause, if any.
func (e *Error) Unwrap() error { return e.cause }

// KindOf returns the Kind of an *Error in err's chain, KindInternal for any
// other error, and "" for nil.
func KindOf(err error) Kind {
	if err == nil {
		return ""
	}
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Kind
	}
	return KindInternal
}

// invalid reports a request refused before anything was sent.
func invalid(op, format string, args ...any) *Error {
	return &Error{Kind: KindInvalidArgument, Op: op, Message: fmt.Sprintf(format, args...)}
}

// invalidErr reports a request refused by a validator, keeping its error.
func invalidErr(op string, err error) *Error {
	return &Error{Kind: KindInvalidArgument, Op: op, Message: err.Error(), cause: err}
}

// codeKinds maps S3 error codes to kinds. Codes that mean the connection's
// own credentials are broken are Unavailable, not AccessDenied: the user is
// not refused, the server is misconfigured.
var codeKinds = map[string]Kind{
	"NoSuchKey":                  KindNotFound,
	"NotFound":                   KindNotFound,
	"NoSuchBucket":               KindNotFound,
	"NoSuchVersion":              KindNotFound,
	"AccessDenied":               KindAccessDenied,
	"Forbidden":                  KindAccessDenied,
	"AllAccessDisabled":          KindAccessDenied,
	"InvalidPart":                KindInvalidPart,
	"InvalidPartOrder":           KindInvalidPart,
	"NoSuchUpload":               KindNoSuchUpload,
	"EntityTooSmall":             KindEntityTooSmall,
	"EntityTooLarge":             KindEntityTooLarge,
	"InvalidArgument":            KindInvalidArgument,
	"InvalidRequest":             KindInvalidArgument,
	"KeyTooLongError":            KindInvalidArgument,
	"InvalidBucketName":          KindInvalidArgument,
	"InvalidAccessKeyId":         KindUnavailable,
	"SignatureDoesNotMatch":      KindUnavailable,
	"ExpiredToken":               KindUnavailable,
	"InvalidToken":               KindUnavailable,
	"TokenRefreshRequired":       KindUnavailable,
	"RequestTimeTooSkewed":       KindUnavailable,
	"SlowDown":                   KindUnavailable,
	"ServiceUnavailable":         KindUnavailable,
	"InternalError":              KindUnavailable,
	"RequestTimeout":             KindUnavailable,
	"XMinioServerNotInitialized": KindUnavailable,
	"PreconditionFailed":         KindAlreadyExists,
	"ConditionalRequestConflict": KindAlreadyExists,
}

// kindMessages explain each kind when S3 gave the code.
var kindMessages = map[Kind]string{
	KindNotFound:        "the object or bucket does not exist",
	KindAccessDenied:    "S3 denied access",
	KindInvalidPart:     "S3 refused a part of the upload",
	KindNoSuchUpload:    "the multipart upload does not exist; it may have been completed, aborted or expired",
	KindEntityTooSmall:  "a part other than the last is smaller than 5 MiB",
	KindEntityTooLarge:  "the object or part is too large",
	KindInvalidArgument: "S3 refused the request as invalid",
	KindUnavailable:     "S3 is unavailable or refused the connection's credentials",
	KindAlreadyExists:   "the object already exists",
}

// fromSDK converts an error of an SDK call into an *Error.
func fromSDK(op string, err error) *Error {
	if e, ok := errors.AsType[*Error](err); ok {
		return e
	}
	e := &Error{Op: op}
	if resp, ok := errors.AsType[*awshttp.ResponseError](err); ok {
		e.StatusCode = resp.HTTPStatusCode()
		e.RequestID = resp.ServiceRequestID()
	}
	apiErr, isAPI := errors.AsType[smithy.APIError](err)
	switch {
	case timedOut(err):
		e.Kind = KindTimeout
		e.Message = "S3 or STS did not answer in time"
		e.cause = context.DeadlineExceeded
	case failingService(err) == "STS":
		// Fetching the connection's own credentials failed: the caller is
		// not refused, the server cannot work.
		e.Kind = KindUnavailable
		e.Message = "the connection's credentials could not be obtained from STS"
		if isAPI {
			e.Code = apiErr.ErrorCode()
		}
	case isAPI:
		e.Code = apiErr.ErrorCode()
		e.Kind = kindOfCode(e.Code, e.StatusCode)
		e.Message = kindMessages[e.Kind]
	case e.StatusCode != 0:
		// A response without a parsable error body.
		e.Kind = kindOfCode("", e.StatusCode)
		e.Message = kindMessages[e.Kind]
	default:
		// No response: transport, context or credential failure. Its text
		// can hold a URL or a provider's message, so it is scrubbed.
		e.Kind = KindUnavailable
		if s3e, ok := errors.AsType[*s3conn.Error](err); ok {
			// STS answered (s3conn already scrubbed its message): a 4xx
			// means the connection cannot mint sessions, a server fault.
			e.Code, e.StatusCode, e.RequestID = s3e.Code, s3e.StatusCode, s3e.RequestID
			if s3e.StatusCode != 0 && s3e.StatusCode < 500 {
				e.Kind = KindInternal
			}
		}
		e.Message = redact.String(err.Error())
		e.cause = err
	}
	if e.Message == "" {
		e.Message = "S3 refused the request"
	}
	return e
}

// timedOut reports a call that ran out of time: its deadline passed, or the
// HTTP client's timeout cut the exchange.
func timedOut(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	ne, ok := errors.AsType[net.Error](err)
	return ok && ne.Timeout()
}

// failingService returns the service of the innermost SDK operation in err's
// chain: an S3 call whose credentials could not be fetched failed in STS.
func failingService(err error) string {
	service := ""
	for e := err; e != nil; e = errors.Unwrap(e) {
		if oe, ok := e.(*smithy.OperationError); ok {
			service = oe.ServiceID
		}
	}
	return service
}

// kindOfCode classifies an S3 error code, falling back on the status.
func kindOfCode(code string, status int) Kind {
	if k, ok := codeKinds[code]; ok {
		return k
	}
	switch {
	case status == http.StatusNotFound:
		return KindNotFound
	case status == http.StatusForbidden:
		return KindAccessDenied
	case status >= 500:
		return KindUnavailable
	}
	return KindInternal
}

// canceled reports a caller that stopped waiting, keeping ctx's error.
func canceled(ctx context.Context, op string) *Error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return &Error{Kind: KindTimeout, Op: op, Message: "S3 or STS did not answer in time", cause: ctx.Err()}
	}
	return &Error{Kind: KindUnavailable, Op: op, Message: ctx.Err().Error(), cause: ctx.Err()}
}
