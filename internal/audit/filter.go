package audit

import (
	"fmt"
	"time"
)

// Page sizes.
const (
	// DefaultPageSize is used when Filter.Limit is 0.
	DefaultPageSize = 100
	// MaxPageSize is the largest Filter.Limit accepted.
	MaxPageSize = 1000
)

// Filter selects events. Empty fields match everything; set fields must all
// match. Results are ordered by (Time, Writer, Seq), a total order, ascending
// unless Descending.
type Filter struct {
	User       string
	Action     string
	Decision   Decision
	Outcome    Outcome
	Connection string
	Bucket     string
	// KeyPrefix matches keys starting with it, byte for byte.
	KeyPrefix string
	Writer    string
	// RequestID selects the events of one request: a change the server
	// makes is recorded before it (outcome pending) and again with its
	// outcome, under the same request ID. No index serves it alone: on a
	// large store, bound the time too.
	RequestID string
	// From (inclusive) and To (exclusive) bound Time; zero means unbounded.
	// Stored times have microsecond precision.
	From, To time.Time
	// Descending returns newest events first.
	Descending bool
	// Limit is the page size: 0 means DefaultPageSize; at most MaxPageSize.
	Limit int
	// Cursor is Page.Next of the previous page, "" for the first page. It is
	// valid with the same Descending only; other fields may change between
	// pages, but then the pages do not add up to one result.
	Cursor string
}

// Validate reports an error wrapping ErrInvalidFilter when f cannot be run.
func (f *Filter) Validate() error {
	switch {
	case f.Limit < 0 || f.Limit > MaxPageSize:
		return fmt.Errorf("%w: limit %d is not between 1 and %d", ErrInvalidFilter, f.Limit, MaxPageSize)
	case f.Decision != "" && !f.Decision.Valid():
		return fmt.Errorf("%w: decision %q is neither %q nor %q", ErrInvalidFilter, f.Decision, DecisionAllowed, DecisionBlocked)
	case f.Outcome != "" && !f.Outcome.Valid():
		return fmt.Errorf("%w: outcome %q is not %q, %q or %q", ErrInvalidFilter, f.Outcome, OutcomeSuccess, OutcomeFailure, OutcomePending)
	case !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To):
		return fmt.Errorf("%w: from %s is not before to %s", ErrInvalidFilter, f.From.Format(time.RFC3339Nano), f.To.Format(time.RFC3339Nano))
	}
	if f.Cursor != "" {
		c, err := ParseCursor(f.Cursor)
		if err != nil {
			return err
		}
		if c.Descending != f.Descending {
			return fmt.Errorf("%w: the cursor belongs to a query in the other order", ErrInvalidFilter)
		}
	}
	return nil
}

// PageSize is the number of events a page of f holds at most.
func (f *Filter) PageSize() int {
	if f.Limit == 0 {
		return DefaultPageSize
	}
	return f.Limit
}

// Matches reports whether e passes f's field and time conditions (not the
// cursor). Stores filter in their query language; this is the reference they
// are tested against.
func (f *Filter) Matches(e *Event) bool {
	t := e.Time.UnixMicro()
	return (f.User == "" || e.User == f.User) &&
		(f.Action == "" || e.Action == f.Action) &&
		(f.Decision == "" || e.Decision == f.Decision) &&
		(f.Outcome == "" || e.Outcome == f.Outcome) &&
		(f.Connection == "" || e.Connection == f.Connection) &&
		(f.Bucket == "" || e.Bucket == f.Bucket) &&
		(f.KeyPrefix == "" || len(e.Key) >= len(f.KeyPrefix) && e.Key[:len(f.KeyPrefix)] == f.KeyPrefix) &&
		(f.Writer == "" || e.Writer == f.Writer) &&
		(f.RequestID == "" || e.RequestID == f.RequestID) &&
		(f.From.IsZero() || t >= CeilMicro(f.From)) &&
		(f.To.IsZero() || t < CeilMicro(f.To))
}

// CeilMicro is t in microseconds since the Unix epoch, rounded up. Stored
// times are whole microseconds, so for a stored time s: s >= t exactly when
// s >= CeilMicro(t), and s < t exactly when s < CeilMicro(t).
func CeilMicro(t time.Time) int64 {
	us := t.UnixMicro()
	if t.Sub(time.UnixMicro(us)) > 0 {
		us++
	}
	return us
}
