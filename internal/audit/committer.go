package audit

import (
	"bytes"
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
		buf    bytes.Buffer
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
func (r *Recorder) commit(batch []*pending, events []Event, buf *bytes.Buffer) []Event {
	for _, p := range batch {
		events = append(events, p.ev)
	}
	var storeErr error
	if r.store != nil {
		ctx, cancel := context.WithTimeout(context.Background(), r.writeTimeout)
		if err := r.store.Append(ctx, events); err != nil {
			storeErr = fmt.Errorf("store: %w", err)
			r.markUnstored(events, storeErr)
		}
		cancel()
	}
	err := errors.Join(storeErr, r.writeLines(events, buf))
	for _, p := range batch {
		p.done <- err
	}
	return events
}

// markUnstored clears the chain fields of events the store refused and, with
// PolicyFail, says in their JSON lines that the server refused the request.
func (r *Recorder) markUnstored(events []Event, storeErr error) {
	for i := range events {
		e := &events[i]
		e.Seq, e.PrevHash, e.Hash = 0, "", ""
		if r.policy == PolicyFail {
			msg := "request refused: audit " + storeErr.Error()
			if e.Error != "" {
				msg += "; " + e.Error
			}
			e.Outcome = OutcomeFailure
			e.Error = capBytes(redact.String(clean(msg)), MaxErrorBytes)
		}
	}
}

// writeLines writes events as JSON lines with a single Write, so lines of a
// batch are never interleaved with other output.
func (r *Recorder) writeLines(events []Event, buf *bytes.Buffer) error {
	buf.Reset()
	enc := newJSONEncoder(buf)
	for i := range events {
		if err := enc.Encode(&events[i]); err != nil {
			return fmt.Errorf("JSON line: %w", err)
		}
	}
	if _, err := r.json.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("JSON lines: %w", err)
	}
	return nil
}
