package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// Options configure a Sender.
type Options struct {
	// URL receives the events (http or https).
	URL string
	// Secret signs every body; at least 16 bytes.
	Secret []byte
	// QueueSize bounds the events waiting (default 1,000); Enqueue drops
	// and counts beyond it.
	QueueSize int
	// Attempts per event (default 5).
	Attempts int
	// Timeout is the deadline of one call (default 10 s).
	Timeout time.Duration
	// Backoff is the first retry's delay, doubled each time up to MaxBackoff
	// (defaults 1 s and 1 min), with up to 20% jitter.
	Backoff, MaxBackoff time.Duration
	// Client sends the requests (default a client without redirects).
	Client *http.Client
	// Logger receives failures; never the secret or the body.
	Logger *slog.Logger
}

// Stats counts what a Sender did.
type Stats struct {
	Delivered, Failed, Dropped, Retries int64
}

// Sender delivers events from a bounded queue with one worker.
type Sender struct {
	o     Options
	queue chan []byte
	mu    sync.Mutex
	stats Stats
	done  chan struct{}
}

// New validates o and returns a Sender; call Run to deliver.
func New(o Options) (*Sender, error) {
	u, err := url.Parse(o.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("notify: webhook URL must be an absolute http or https URL")
	}
	if len(o.Secret) < 16 {
		return nil, errors.New("notify: the webhook secret must be at least 16 bytes")
	}
	if o.QueueSize <= 0 {
		o.QueueSize = 1000
	}
	if o.Attempts <= 0 {
		o.Attempts = 5
	}
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	if o.Backoff <= 0 {
		o.Backoff = time.Second
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = time.Minute
	}
	if o.Client == nil {
		o.Client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return &Sender{o: o, queue: make(chan []byte, o.QueueSize), done: make(chan struct{})}, nil
}

// Enqueue queues ev without blocking; it reports false, and counts a drop,
// when the queue is full.
func (s *Sender) Enqueue(ev Event) bool {
	body, err := json.Marshal(ev)
	if err != nil {
		s.count(func(st *Stats) { st.Dropped++ })
		return false
	}
	select {
	case s.queue <- body:
		return true
	default:
		s.count(func(st *Stats) { st.Dropped++ })
		s.o.Logger.Warn("upload notification dropped: queue full", "queueSize", s.o.QueueSize)
		return false
	}
}

// Stats returns the counts so far.
func (s *Sender) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

func (s *Sender) count(f func(*Stats)) {
	s.mu.Lock()
	f(&s.stats)
	s.mu.Unlock()
}

// Run delivers queued events until ctx ends. Events still queued then are
// dropped and counted.
func (s *Sender) Run(ctx context.Context) {
	defer close(s.done)
	for {
		select {
		case <-ctx.Done():
			return
		case body := <-s.queue:
			s.deliver(ctx, body)
		}
	}
}

// deliver tries body up to Attempts times.
func (s *Sender) deliver(ctx context.Context, body []byte) {
	delay := s.o.Backoff
	for attempt := 1; ; attempt++ {
		retry, err := s.post(ctx, body)
		if err == nil {
			s.count(func(st *Stats) { st.Delivered++ })
			return
		}
		if !retry || attempt >= s.o.Attempts || ctx.Err() != nil {
			s.count(func(st *Stats) { st.Failed++ })
			s.o.Logger.Error("upload notification failed", "attempts", attempt, "error", err)
			return
		}
		s.count(func(st *Stats) { st.Retries++ })
		jitter := time.Duration(rand.Int64N(int64(delay)/5 + 1))
		select {
		case <-ctx.Done():
			s.count(func(st *Stats) { st.Failed++ })
			return
		case <-time.After(delay + jitter):
		}
		delay = min(2*delay, s.o.MaxBackoff)
	}
}

// post sends body once, with a deadline; retry says whether another try
// may succeed (network errors, 408, 429 and 5xx).
func (s *Sender) post(ctx context.Context, body []byte) (retry bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, s.o.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.o.URL, bytes.NewReader(body))
	if err != nil {
		return false, err
	}
	req.Header.Set("Content-Type", ContentType)
	req.Header.Set(SignatureHeader, Sign(s.o.Secret, body))
	resp, err := s.o.Client.Do(req)
	if err != nil {
		// The URL may carry a token of the receiver's: report the cause only.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return true, fmt.Errorf("webhook call: %w", err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return false, nil
	case resp.StatusCode == http.StatusRequestTimeout || resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return true, fmt.Errorf("webhook answered %d", resp.StatusCode)
	}
	return false, fmt.Errorf("webhook answered %d", resp.StatusCode)
}
