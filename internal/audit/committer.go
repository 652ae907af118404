package audit

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/s3am/s3-access-manager/internal/redact"
)

// commitLoop is the Recorder's only appender: one goroutine keeps the chain
// linear and turns concurrent Records into batches.
func (r *Recorder) commitLoop() {
	defer close(r.done)
	var (
		batch  []*pending
		events []Event
		buf    []byte
		timer  *time.Timer
	)
	for {
		first, ok := <-r.queue
		if !ok {
			return
		}
		batch = append(batch[:0], first)
		open := r.fill(&batch, &timer)
		events = r.commit(batch, events[:0], &buf)
		if !open {
			return
		}
	}
}

// fill adds waiting events to batch, up to maxBatch, waiting at most
// batchWait for more. It reports whether the queue is still open.
func (r *Recorder) fill(batch *[]*pending, timer **time.Timer) bool {
	var deadline <-chan time.Time
	if r.batchWait > 0 {
		if *timer == nil {
			*timer = time.NewTimer(r.batchWait)
		} else {
			(*timer).Reset(r.batchWait)
		}
		defer (*timer).Stop()
		deadline = (*timer).C
	}
	for len(*batch) < r.maxBatch {
		select {
		case p, ok := <-r.queue:
			if !ok {
				return false
			}
			*batch = append(*batch, p)
			continue
		default:
		}
		if deadline == nil {
			return true
		}
		select {
		case p, ok := <-r.queue:
			if !ok {
				return false
			}
			*batch = append(*batch, p)
		case <-deadline:
			return true
		}
	}
	return true
}

// commit stores the batch, writes its JSON lines and answers each Record.
func (r *Recorder) commit(batch []*pending, events []Event, buf *[]byte) []Event {
	for _, p := range batch {
		events = append(events, p.ev)
	}
	storeErrs := r.append(events)
	for i, err := range storeErrs {
		if err != nil {
			r.markUnstored(&events[i], err, batch[i].outcome)
		}
	}
	lineErr := r.writeLines(events, buf)
	for i, p := range batch {
		var storeErr error
		if storeErrs != nil {
			storeErr = storeErrs[i]
		}
		p.done <- errors.Join(storeErr, lineErr)
	}
	return events
}

// append stores events and returns, when any failed, the error of each
// (nil for those stored). When the store refused the batch for the content
// of its events (ErrRejected), nothing of it was committed: each event is
// then stored on its own, so that one bad event does not cost the other
// requests of the batch their record. Once an event fails for another
// reason, the store is failing as a whole and the events left get that
// error without more attempts.
func (r *Recorder) append(events []Event) []error {
	if r.store == nil {
		return nil
	}
	err := r.appendTimed(events)
	if err == nil {
		return nil
	}
	errs := make([]error, len(events))
	retry := len(events) > 1 && errors.Is(err, ErrRejected)
	for i := range events {
		if retry {
			err = r.appendTimed(events[i : i+1])
			retry = err == nil || errors.Is(err, ErrRejected)
		}
		if err != nil {
			errs[i] = fmt.Errorf("store: %w", err)
		}
	}
	return errs
}

// appendTimed is one Store.Append bounded by the write timeout.
func (r *Recorder) appendTimed(events []Event) error {
	ctx, cancel := context.WithTimeout(context.Background(), r.writeTimeout)
	defer cancel()
	return r.store.Append(ctx, events)
}

// markUnstored clears the chain fields of an event the store did not keep
// and, with PolicyFail, says in its JSON line that the server refused the
// request. The line of an outcome (RecordOutcome) keeps its outcome, since
// the change happened, and says only that the event is not stored.
func (r *Recorder) markUnstored(e *Event, storeErr error, outcome bool) {
	e.Seq, e.PrevHash, e.Hash = 0, "", ""
	if outcome {
		msg := "not stored: audit " + storeErr.Error()
		if e.Error != "" {
			msg += "; " + e.Error
		}
		e.Error = capBytes(redact.String(clean(msg)), MaxErrorBytes)
		return
	}
	if r.policy == PolicyFail {
		msg := "request refused: audit " + storeErr.Error()
		if e.Error != "" {
			msg += "; " + e.Error
		}
		e.Outcome = OutcomeFailure
		e.Error = capBytes(redact.String(clean(msg)), MaxErrorBytes)
	}
}

// writeLines writes events as JSON lines with a single Write, so lines of a
// batch are never interleaved with other output. buf is reused from batch
// to batch.
func (r *Recorder) writeLines(events []Event, buf *[]byte) error {
	b := (*buf)[:0]
	for i := range events {
		var err error
		if b, err = appendJSONLine(b, &events[i]); err != nil {
			return fmt.Errorf("JSON line: %w", err)
		}
	}
	*buf = b
	if _, err := r.json.Write(b); err != nil {
		return fmt.Errorf("JSON lines: %w", err)
	}
	return nil
}
