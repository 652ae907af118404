package audit

import (
	"errors"
	"fmt"
	"time"
)

// Decision says whether the server let an attempt through.
type Decision string

// Decisions.
const (
	// DecisionAllowed: authorization and key validation passed.
	DecisionAllowed Decision = "allowed"
	// DecisionBlocked: the request was refused before reaching S3.
	DecisionBlocked Decision = "blocked"
)

// Outcome says how an attempt ended.
type Outcome string

// Outcomes.
const (
	// OutcomeSuccess: the operation completed.
	OutcomeSuccess Outcome = "success"
	// OutcomeFailure: the operation was refused or failed.
	OutcomeFailure Outcome = "failure"
	// OutcomePending: a presigned URL was issued; the upload or download it
	// allows has not been confirmed yet.
	OutcomePending Outcome = "pending"
)

// Actions the server records. Event.Action is a plain string so that new
// actions need no change here; these are the ones known today.
const (
	ActionList               = "list"
	ActionUpload             = "upload"
	ActionUploadConfirm      = "upload.confirm"
	ActionMultipartCreate    = "multipart.create"
	ActionMultipartParts     = "multipart.parts"
	ActionMultipartComplete  = "multipart.complete"
	ActionMultipartAbort     = "multipart.abort"
	ActionMultipartListParts = "multipart.list-parts"
	ActionDownload           = "download"
	ActionDelete             = "delete"
	ActionMe                 = "me"
	ActionAuditQuery         = "audit.query"
)

// Event is one attempt, as recorded. The JSON names are the ones of the JSON
// lines and of the JSON lines export; every field is always present.
type Event struct {
	// Seq numbers the events of one Writer chain from 1; the Store assigns it.
	Seq int64 `json:"seq"`
	// Time is when the attempt happened, in UTC with microsecond precision
	// (what PostgreSQL timestamps hold, so every store hashes the same value).
	Time time.Time `json:"time"`
	// RequestID correlates the event with the server's request logs.
	RequestID string `json:"requestId"`
	// User and Groups are the authenticated principal.
	User   string   `json:"user"`
	Groups []string `json:"groups"`
	// SourceIP and UserAgent describe the client.
	SourceIP  string `json:"sourceIp"`
	UserAgent string `json:"userAgent"`
	// Action is what was attempted: one of the Action constants.
	Action string `json:"action"`
	// Connection, Bucket and Key name the object (or the listed prefix).
	Connection string `json:"connection"`
	Bucket     string `json:"bucket"`
	Key        string `json:"key"`
	// Decision is whether the server let the attempt through.
	Decision Decision `json:"decision"`
	// Reason is the authorization reason code or key-validation reason.
	Reason string `json:"reason"`
	// Grant is the deciding grant as "namespace/name", if any.
	Grant string `json:"grant"`
	// Outcome is how the attempt ended.
	Outcome Outcome `json:"outcome"`
	// Error describes a failure. It never carries secret material: the
	// Recorder redacts signatures, credentials and tokens (see internal/redact).
	Error string `json:"error"`
	// Bytes is the object size, when known.
	Bytes int64 `json:"bytes"`
	// ETag is the object's ETag, when known.
	ETag string `json:"etag"`
	// Writer names the server process (hostname or pod) whose chain holds the
	// event.
	Writer string `json:"writer"`
	// PrevHash is the Hash of the previous event of the chain ("" for the
	// first); Hash is this event's (see ComputeHash). Both are lowercase hex.
	PrevHash string `json:"prevHash"`
	Hash     string `json:"hash"`
}

// ErrInvalidEvent is wrapped by the errors of Event.Validate.
var ErrInvalidEvent = errors.New("invalid audit event")

// Valid reports whether d is one of the Decision constants.
func (d Decision) Valid() bool { return d == DecisionAllowed || d == DecisionBlocked }

// Valid reports whether o is one of the Outcome constants.
func (o Outcome) Valid() bool {
	return o == OutcomeSuccess || o == OutcomeFailure || o == OutcomePending
}

// Validate reports an error wrapping ErrInvalidEvent when e lacks what every
// stored event needs: a time, a writer, an action, a known decision and a
// known outcome.
func (e *Event) Validate() error {
	switch {
	case e.Time.IsZero():
		return fmt.Errorf("%w: no time", ErrInvalidEvent)
	case e.Writer == "":
		return fmt.Errorf("%w: no writer", ErrInvalidEvent)
	case e.Action == "":
		return fmt.Errorf("%w: no action", ErrInvalidEvent)
	case !e.Decision.Valid():
		return fmt.Errorf("%w: decision %q is neither %q nor %q", ErrInvalidEvent, e.Decision, DecisionAllowed, DecisionBlocked)
	case !e.Outcome.Valid():
		return fmt.Errorf("%w: outcome %q is not %q, %q or %q", ErrInvalidEvent, e.Outcome, OutcomeSuccess, OutcomeFailure, OutcomePending)
	case e.Bytes < 0:
		return fmt.Errorf("%w: negative bytes %d", ErrInvalidEvent, e.Bytes)
	}
	return nil
}
