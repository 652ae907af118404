// Package notifytest is a real webhook receiver for tests: an HTTP server
// on loopback that checks every notification's signature, as a customer's
// endpoint would, and keeps the events whose signature holds.
package notifytest

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/s3am/s3-access-manager/internal/notify"
)

// Secret signs the notifications a Receiver accepts.
var Secret = []byte("notifytest-webhook-secret-0123456789")

// Receiver is the running receiver and the Sender that posts to it.
type Receiver struct {
	// Sender delivers to the receiver, signed with Secret.
	Sender *notify.Sender
	mu     sync.Mutex
	events []notify.Event
	bad    int
}

// Start starts a receiver and a running Sender for it, both stopped when
// the test ends.
func Start(t testing.TB) *Receiver {
	t.Helper()
	rc := &Receiver{}
	hs := httptest.NewServer(http.HandlerFunc(rc.serve))
	s, err := notify.New(notify.Options{URL: hs.URL + "/s3am", Secret: Secret, Backoff: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go s.Run(ctx)
	t.Cleanup(func() { cancel(); hs.Close() })
	rc.Sender = s
	return rc
}

func (rc *Receiver) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var ev notify.Event
	if r.Header.Get("Content-Type") != notify.ContentType ||
		notify.Verify(Secret, body, r.Header.Get(notify.SignatureHeader)) != nil || json.Unmarshal(body, &ev) != nil {
		rc.bad++
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	rc.events = append(rc.events, ev)
	w.WriteHeader(http.StatusNoContent)
}

// WaitFor returns the verified notification of key, waiting up to 10 s.
func (rc *Receiver) WaitFor(t testing.TB, key string) notify.Event {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		rc.mu.Lock()
		for _, ev := range rc.events {
			if ev.Data.Key == key {
				rc.mu.Unlock()
				return ev
			}
		}
		rc.mu.Unlock()
		if time.Now().After(deadline) {
			t.Fatalf("no verified notification for %s within 10 s", key)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Refused counts the notifications whose signature did not hold.
func (rc *Receiver) Refused() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.bad
}
