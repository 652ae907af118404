package audit

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Options configure a Recorder.
type Options struct {
	// Writer names this process's chain (hostname or pod name); default: the
	// hostname. Two live processes must not share a Writer: their chains
	// would still be linear (the Store serializes appends) but interleaved.
	Writer string
	// JSON receives one JSON line per event (stdout in production). Required.
	JSON io.Writer
	// Store keeps events durably and queryably; nil writes JSON lines only.
	Store Store
	// Policy says what Record does on failure; default PolicyFail.
	Policy FailurePolicy
	// Registerer receives the metrics; nil registers them nowhere.
	Registerer prometheus.Registerer
	// Logger receives failures; default slog.Default().
	Logger *slog.Logger
	// MaxBatch bounds the events stored in one transaction; default 256.
	MaxBatch int
	// BatchWait is how long a batch that is not full waits for more events
	// before it is stored. Default 0: store at once; events that arrive
	// while a batch is being stored form the next batch, so under load
	// batches grow without adding latency when idle.
	BatchWait time.Duration
	// WriteTimeout bounds one store append; default 10s.
	WriteTimeout time.Duration
}

// ErrClosed is returned by Record after Close.
var ErrClosed = errors.New("audit recorder closed")

// Recorder records events: it stores them in its Store (sealed into the
// chain of its Writer) and writes each as a JSON line, in chain order. It is
// safe for concurrent use; appends are serialized by one goroutine, which
// stores whatever events are waiting in one transaction (group commit).
type Recorder struct {
	writer       string
	json         io.Writer
	store        Store
	policy       FailurePolicy
	log          *slog.Logger
	m            *metrics
	maxBatch     int
	batchWait    time.Duration
	writeTimeout time.Duration

	mu     sync.RWMutex // guards closed against sends on queue
	closed bool
	queue  chan *pending
	done   chan struct{}
}

// pending is one event waiting for the committer.
type pending struct {
	ev   Event
	done chan error
	// outcome marks an event of something that already happened (see
	// RecordOutcome): a store failure must not call it refused.
	outcome bool
}

// NewRecorder starts a Recorder. Call Close to stop it.
func NewRecorder(o Options) (*Recorder, error) {
	if o.JSON == nil {
		return nil, errors.New("audit recorder: no JSON lines writer")
	}
	policy, err := ParseFailurePolicy(string(o.Policy))
	if err != nil {
		return nil, err
	}
	if o.Writer == "" {
		if o.Writer, err = os.Hostname(); err != nil {
			return nil, fmt.Errorf("audit recorder: writer name from hostname: %w", err)
		}
	}
	m, err := newMetrics(o.Registerer)
	if err != nil {
		return nil, err
	}
	r := &Recorder{
		writer:       bound(o.Writer, MaxNameBytes),
		json:         o.JSON,
		store:        o.Store,
		policy:       policy,
		log:          o.Logger,
		m:            m,
		maxBatch:     o.MaxBatch,
		batchWait:    o.BatchWait,
		writeTimeout: o.WriteTimeout,
		done:         make(chan struct{}),
	}
	if r.writer == "" {
		return nil, errors.New("audit recorder: empty writer name")
	}
	if r.log == nil {
		r.log = slog.Default()
	}
	if r.maxBatch <= 0 {
		r.maxBatch = 256
	}
	if r.writeTimeout <= 0 {
		r.writeTimeout = 10 * time.Second
	}
	r.queue = make(chan *pending, 4*r.maxBatch)
	go r.commitLoop()
	return r, nil
}

// Writer is the name of the Recorder's chain.
func (r *Recorder) Writer() string { return r.writer }

// Record records e. It sets e.Writer, e.Time if zero, and the chain fields,
// normalizes e (see Normalize), and returns once e is durable in the Store and
// written as a JSON line. If that fails (or e is invalid, or ctx ends first),
// Record logs the failure and counts it; with PolicyFail it returns the
// error, with PolicyIgnore nil.
func (r *Recorder) Record(ctx context.Context, e Event) error {
	return r.record(ctx, e, false)
}

// RecordOutcome records the outcome of a change already made at S3 (after
// Record stored the attempt as pending). It returns Record's errors, but
// when the store fails, the JSON line keeps e's outcome, noting that the
// event is not stored, instead of saying the request was refused: the
// change happened, whatever the policy.
func (r *Recorder) RecordOutcome(ctx context.Context, e Event) error {
	return r.record(ctx, e, true)
}

func (r *Recorder) record(ctx context.Context, e Event, outcome bool) error {
	start := time.Now()
	// The caller may share Groups with concurrent requests; Normalize and the
	// queue must not touch its array.
	e.Groups = slices.Clone(e.Groups)
	if e.Time.IsZero() {
		e.Time = start
	}
	e.Writer = r.writer
	e.Seq, e.PrevHash, e.Hash = 0, "", ""
	e.Normalize()
	if err := e.Validate(); err != nil {
		return r.failed(&e, err)
	}
	r.m.event(e.Decision, e.Outcome)
	err := r.submit(ctx, &e, outcome)
	r.m.seconds.Observe(time.Since(start).Seconds())
	if err != nil {
		return r.failed(&e, err)
	}
	return nil
}

// pendings recycles the pending of each Record whose answer it received:
// one allocation less per event.
var pendings = sync.Pool{New: func() any { return &pending{done: make(chan error, 1)} }}

func (r *Recorder) submit(ctx context.Context, e *Event, outcome bool) error {
	p := pendings.Get().(*pending)
	p.ev, p.outcome = *e, outcome
	r.mu.RLock()
	if r.closed {
		r.mu.RUnlock()
		recycle(p)
		return ErrClosed
	}
	select {
	case r.queue <- p:
		r.mu.RUnlock()
	case <-ctx.Done():
		r.mu.RUnlock()
		recycle(p)
		return fmt.Errorf("queueing: %w", ctx.Err())
	}
	select {
	case err := <-p.done:
		recycle(p)
		return err
	case <-ctx.Done():
		// The committer still holds p and will answer it: p is not reused.
		return fmt.Errorf("waiting for the store (the event may still be recorded): %w", ctx.Err())
	}
}

// recycle returns a pending nobody holds any more to the pool.
func recycle(p *pending) {
	p.ev = Event{}
	pendings.Put(p)
}

func (r *Recorder) failed(e *Event, err error) error {
	r.m.failures.Inc()
	r.log.Error("audit event not recorded", "policy", string(r.policy), "error", err,
		"requestId", e.RequestID, "user", e.User, "action", e.Action, "connection", e.Connection,
		"bucket", e.Bucket, "key", e.Key, "decision", string(e.Decision), "outcome", string(e.Outcome))
	if r.policy == PolicyIgnore {
		return nil
	}
	return fmt.Errorf("audit: %w", err)
}

// Close stops accepting events (Record then fails with ErrClosed), waits
// until every event already accepted is stored and written, or ctx ends, and
// returns. It does not close the Store. Record is synchronous, so there is no
// separate Flush: when Close returns nil nothing is left in flight.
func (r *Recorder) Close(ctx context.Context) error {
	r.mu.Lock()
	if !r.closed {
		r.closed = true
		close(r.queue)
	}
	r.mu.Unlock()
	select {
	case <-r.done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("audit recorder: closing: %w", ctx.Err())
	}
}
