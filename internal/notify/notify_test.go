package notify

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/s3am/s3-access-manager/internal/testenv/poll"
)

var secret = []byte("0123456789abcdef0123456789abcdef")

// receiver is a real HTTP server on loopback that verifies every
// signature, as a customer's endpoint would.
type receiver struct {
	mu     sync.Mutex
	events []Event
	bad    int
	// answer returns the status for the n-th call (from 1).
	answer func(n int) int
	calls  atomic.Int32
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := int(rc.calls.Add(1))
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if r.Header.Get("Content-Type") != ContentType || Verify(secret, body, r.Header.Get(SignatureHeader)) != nil {
		rc.bad++
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	if st := rc.answer(n); st != http.StatusOK {
		w.WriteHeader(st)
		return
	}
	var ev Event
	if err := json.Unmarshal(body, &ev); err != nil {
		rc.bad++
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	rc.events = append(rc.events, ev)
}

func start(t *testing.T, rc *receiver, o Options) (*Sender, func()) {
	t.Helper()
	hs := httptest.NewServer(rc)
	t.Cleanup(hs.Close)
	o.URL, o.Secret = hs.URL+"/hook", secret
	s, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go s.Run(ctx)
	return s, func() { cancel(); <-s.done }
}

func sample() UploadData {
	return UploadData{Link: "team-a/link-x", Creator: "alice@partner-a.com", Connection: "c", Bucket: "b", Key: "drop/a.k.pdf", Size: 3, ETag: "e", ContentType: "application/pdf"}
}

func TestDeliveredSignedCloudEvent(t *testing.T) {
	rc := &receiver{answer: func(int) int { return http.StatusOK }}
	s, stop := start(t, rc, Options{})
	defer stop()
	if !s.Enqueue(NewUploadEvent(sample(), time.Now())) {
		t.Fatal("enqueue refused")
	}
	poll.Until(t, 10*time.Second, "delivery", func() bool { return s.Stats().Delivered == 1 })
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.bad != 0 || len(rc.events) != 1 {
		t.Fatalf("bad %d, events %d", rc.bad, len(rc.events))
	}
	ev := rc.events[0]
	if ev.SpecVersion != "1.0" || ev.Type != TypeUploadCompleted || ev.Source != "/s3am/accesslinks/team-a/link-x" || len(ev.ID) != 32 || ev.Data != sample() {
		t.Fatalf("event %+v", ev)
	}
}

func TestRetriesWithBackoff(t *testing.T) {
	rc := &receiver{answer: func(n int) int {
		if n < 3 {
			return http.StatusServiceUnavailable
		}
		return http.StatusOK
	}}
	s, stop := start(t, rc, Options{Backoff: 10 * time.Millisecond})
	defer stop()
	s.Enqueue(NewUploadEvent(sample(), time.Now()))
	poll.Until(t, 10*time.Second, "delivery after two failures", func() bool { return s.Stats().Delivered == 1 })
	if st := s.Stats(); st.Retries != 2 || st.Failed != 0 {
		t.Fatalf("stats %+v", st)
	}
}

func TestNoRetryOnClientError(t *testing.T) {
	rc := &receiver{answer: func(int) int { return http.StatusBadRequest }}
	s, stop := start(t, rc, Options{Backoff: time.Millisecond})
	defer stop()
	s.Enqueue(NewUploadEvent(sample(), time.Now()))
	poll.Until(t, 10*time.Second, "failure", func() bool { return s.Stats().Failed == 1 })
	if n := rc.calls.Load(); n != 1 {
		t.Fatalf("%d calls for a 400", n)
	}
}

func TestDeadlinePerCall(t *testing.T) {
	release := make(chan struct{})
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer hs.Close()
	defer close(release)
	s, err := New(Options{URL: hs.URL, Secret: secret, Timeout: 50 * time.Millisecond, Attempts: 2, Backoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go s.Run(ctx)
	s.Enqueue(NewUploadEvent(sample(), time.Now()))
	poll.Until(t, 10*time.Second, "both attempts timed out", func() bool { return s.Stats().Failed == 1 })
	if st := s.Stats(); st.Retries != 1 {
		t.Fatalf("stats %+v", st)
	}
}

func TestBoundedQueue(t *testing.T) {
	s, err := New(Options{URL: "http://127.0.0.1:1/", Secret: secret, QueueSize: 3})
	if err != nil {
		t.Fatal(err)
	}
	// Not running: nothing drains the queue.
	for i := range 5 {
		if got, want := s.Enqueue(NewUploadEvent(sample(), time.Now())), i < 3; got != want {
			t.Fatalf("enqueue %d = %v", i, got)
		}
	}
	if st := s.Stats(); st.Dropped != 2 {
		t.Fatalf("stats %+v", st)
	}
}

func TestOptionsChecked(t *testing.T) {
	for _, o := range []Options{
		{URL: "ftp://x/", Secret: secret},
		{URL: "/relative", Secret: secret},
		{URL: "http://127.0.0.1/", Secret: []byte("short")},
	} {
		if _, err := New(o); err == nil {
			t.Errorf("New(%q, %d-byte secret) accepted", o.URL, len(o.Secret))
		}
	}
}

func TestVerifyRefusesTampering(t *testing.T) {
	body := []byte(`{"a":1}`)
	sig := Sign(secret, body)
	if Verify(secret, body, sig) != nil {
		t.Fatal("own signature refused")
	}
	if Verify(secret, []byte(`{"a":2}`), sig) == nil || Verify([]byte("another secret of 16+ bytes"), body, sig) == nil {
		t.Fatal("tampered body or wrong secret accepted")
	}
}
