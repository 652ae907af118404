package server

import (
	"context"
	"net/http"

	"github.com/s3am/s3-access-manager/internal/audit"
	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/objects"
)

// change makes a call that alters S3 (delete, empty object, multipart
// create, complete and abort), with the audit record first: the attempt is
// stored as allowed and pending before the call, so a store that cannot
// record it refuses the attempt (503) with nothing changed. The outcome
// follows as a second event with the same request ID. When that one cannot
// be stored, the answer still says what happened at S3, and the JSON line
// keeps the outcome (audit.Recorder.RecordOutcome).
func (a *attempt) change(call func() error) error {
	if err := a.record(audit.DecisionAllowed, audit.OutcomePending); err != nil {
		return err
	}
	if err := call(); err != nil {
		e := a.objectsError(err)
		a.ev.Error = e.body.Error
		a.settle(audit.OutcomeFailure)
		return e
	}
	a.settle(audit.OutcomeSuccess)
	return nil
}

// settle records the outcome of a change. A failure is logged (the
// recorder logs and counts it too), never answered: the change is done.
func (a *attempt) settle(o audit.Outcome) {
	a.ev.Outcome = o
	ctx, cancel := context.WithTimeout(context.WithoutCancel(a.ctx()), recordTimeout)
	defer cancel()
	if err := a.s.opts.Audit.RecordOutcome(ctx, a.ev); err != nil {
		a.s.log.Error("outcome of a change not stored", "requestId", a.ev.RequestID, "action", a.ev.Action, "outcome", string(o))
	}
}

// mayReplace reports whether the caller may replace an existing object at
// the attempt's key: only with delete permission, since replacing destroys
// the object as surely as deleting it.
func (a *attempt) mayReplace() bool {
	return a.s.opts.Index.Decide(a.p, grant.Delete, a.ev.Connection, a.ev.Bucket, a.ev.Key).Allowed
}

// ReasonAlreadyExists is the reason of an upload refused because its key
// holds an object the caller may not replace.
const ReasonAlreadyExists = string(objects.KindAlreadyExists)

// objectsError is the answer to an objects.Service failure, in words about
// the attempt's object where the kind calls for them.
func (a *attempt) objectsError(err error) *apiError {
	switch objects.KindOf(err) {
	case objects.KindAlreadyExists:
		return newAPIError(http.StatusPreconditionFailed, ReasonAlreadyExists,
			"%s already exists; your grant does not allow replacing files", a.ev.Key)
	case objects.KindTimeout:
		msg := "the storage behind connection %s did not answer in time; try again later"
		if a.ev.Outcome == audit.OutcomePending {
			msg += " (the change may or may not have been made)"
		}
		return newAPIError(http.StatusGatewayTimeout, string(objects.KindTimeout), msg, a.ev.Connection)
	}
	return objectsError(err)
}
