package audit

import (
	"context"
	"errors"
)

// Store is a durable, queryable home for events. Implementations are safe for
// concurrent use.
type Store interface {
	// Append stores events in one transaction, all or none. Each event must
	// have Writer set and pass Validate. Append seals each event after the
	// newest stored event of its Writer chain (see Seal), writing Seq,
	// PrevHash and Hash into the slice; events of one Writer are chained in
	// slice order. Appends to one chain are serialized, across processes too.
	// On error nothing is stored and the chain fields of events are
	// meaningless. When the database refused the content of the events (a
	// constraint, a size limit) rather than failed, the error wraps
	// ErrRejected.
	Append(ctx context.Context, events []Event) error
	// Query returns one page of the events matching f (see Filter).
	Query(ctx context.Context, f Filter) (Page, error)
	// Verify walks the chain of writer from Seq 1 and reports the first
	// broken link, if any.
	Verify(ctx context.Context, writer string) (VerifyResult, error)
	// Writers lists the writer chains present, sorted.
	Writers(ctx context.Context) ([]string, error)
	// Close releases the store.
	Close() error
}

// ErrRejected is wrapped by the error of Store.Append when the database
// refused the events themselves (a constraint or a size limit of one of
// them) and stored none of them, while the store works. Nothing was
// committed, so the Recorder then stores each event of the batch on its own:
// one bad event must not cost the others their record.
var ErrRejected = errors.New("the audit store refused the events")

// Querier is the part of a Store that Export needs.
type Querier interface {
	Query(ctx context.Context, f Filter) (Page, error)
}

// ErrInvalidFilter is wrapped by the errors of Filter.Validate and of cursor
// parsing: the caller's request is wrong (an HTTP API answers 400).
var ErrInvalidFilter = errors.New("invalid audit filter")

// Page is one page of query results.
type Page struct {
	// Events are in the filter's order.
	Events []Event
	// Next is the cursor of the following page, "" on the last page.
	Next string
}
