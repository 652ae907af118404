package postgres

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/s3am/s3-access-manager/internal/audit"
	"github.com/s3am/s3-access-manager/internal/audit/audittest"
	"github.com/s3am/s3-access-manager/internal/testenv/postgresserver"
)

// traffic records events from a few goroutines, like requests arriving,
// until stopped, and keeps the request IDs whose Record succeeded.
type traffic struct {
	rec    *audit.Recorder
	next   atomic.Int64
	failed atomic.Int64
	mu     sync.Mutex
	ok     []string
	stop   chan struct{}
	wg     sync.WaitGroup
	errs   []error
}

func startTraffic(rec *audit.Recorder, callers int) *traffic {
	tr := &traffic{rec: rec, stop: make(chan struct{})}
	for range callers {
		tr.wg.Add(1)
		go func() {
			defer tr.wg.Done()
			for {
				select {
				case <-tr.stop:
					return
				case <-time.After(time.Millisecond):
				}
				tr.record()
			}
		}()
	}
	return tr
}

// record records one event and returns Record's error.
func (tr *traffic) record() error {
	e := audittest.Attempt(int(tr.next.Add(1)))
	err := tr.rec.Record(context.Background(), e)
	tr.mu.Lock()
	defer tr.mu.Unlock()
	if err != nil {
		tr.failed.Add(1)
		tr.errs = append(tr.errs, err)
	} else {
		tr.ok = append(tr.ok, e.RequestID)
	}
	return err
}

func (tr *traffic) halt() {
	close(tr.stop)
	tr.wg.Wait()
}

// storedRequestIDs reads every stored event.
func storedRequestIDs(t *testing.T, s *Store) map[string]bool {
	t.Helper()
	ids := map[string]bool{}
	for _, e := range audittest.Pages(t, s, audit.Filter{Limit: audit.MaxPageSize}) {
		ids[e.RequestID] = true
	}
	return ids
}

// TestOutage stops PostgreSQL while requests are being recorded and starts
// it again, with each failure policy. The store is never reopened.
func TestOutage(t *testing.T) {
	srv := postgresserver.Start(t)
	ctx := context.Background()

	t.Run("fail closed", func(t *testing.T) {
		store := openStore(t, newDatabase(t, srv), Options{})
		rec := newRecorder(t, store, "server-a", audit.PolicyFail)
		tr := startTraffic(rec, 8)
		time.Sleep(200 * time.Millisecond)

		srv.Stop()
		// Every request now fails: with PolicyFail, Record's error makes
		// the server answer 503 and hand out nothing.
		for range 20 {
			err := tr.record()
			if err == nil {
				t.Fatal("Record succeeded while PostgreSQL was down")
			}
			if strings.Contains(err.Error(), srv.Password()) {
				t.Fatalf("error shows the DSN's password: %v", err)
			}
		}
		failedDuringOutage := tr.failed.Load()

		srv.StartAgain(t)
		recovered := waitRecorded(t, tr)
		for range 50 {
			if err := tr.record(); err != nil {
				t.Fatalf("after recovery: %v", err)
			}
		}
		tr.halt()
		t.Logf("%d recorded, %d refused (%d while stopped), recovered %v after restart",
			len(tr.ok), tr.failed.Load(), failedDuringOutage, recovered)

		res, err := store.Verify(ctx, "server-a")
		if err != nil || !res.OK() {
			t.Fatalf("chain after the outage: %+v, %v", res, err)
		}
		// Every request that went through is on record. (A refused one may
		// be too, when the commit happened but its answer was lost with
		// the connection: refusing it errs on the safe side.)
		stored := storedRequestIDs(t, store)
		for _, id := range tr.ok {
			if !stored[id] {
				t.Fatalf("request %s succeeded but is not on record", id)
			}
		}
		if int64(len(stored)) != res.Count {
			t.Errorf("%d events queried, %d in the chain", len(stored), res.Count)
		}
	})

	t.Run("ignore", func(t *testing.T) {
		store := openStore(t, newDatabase(t, srv), Options{})
		logs := &audittest.Buffer{}
		rec := audittest.NewRecorder(t, audit.Options{
			Writer: "server-b", Store: store, Policy: audit.PolicyIgnore,
			Logger: slog.New(slog.NewTextHandler(logs, nil)),
		})
		tr := startTraffic(rec, 8)
		time.Sleep(200 * time.Millisecond)

		srv.Stop()
		// Requests keep being served; the failures are logged and counted.
		for range 20 {
			if err := tr.record(); err != nil {
				t.Fatalf("Record with PolicyIgnore: %v", err)
			}
		}
		if !strings.Contains(logs.String(), "audit event not recorded") {
			t.Error("no failure logged during the outage")
		}
		srv.StartAgain(t)
		before := len(storedRequestIDs(t, store))
		for range 50 {
			if err := tr.record(); err != nil {
				t.Fatal(err)
			}
		}
		tr.halt()
		if tr.failed.Load() != 0 {
			t.Errorf("%d Records failed with PolicyIgnore: %v", tr.failed.Load(), tr.errs[0])
		}
		res, err := store.Verify(ctx, "server-b")
		if err != nil || !res.OK() {
			t.Fatalf("chain after the outage: %+v, %v", res, err)
		}
		stored := storedRequestIDs(t, store)
		if len(stored) < before+50 || int64(len(stored)) != res.Count {
			t.Errorf("%d events stored (%d before the last 50), chain of %d", len(stored), before, res.Count)
		}
		if strings.Contains(logs.String(), srv.Password()) {
			t.Error("the log shows the DSN's password")
		}
	})
}

// waitRecorded records until one Record succeeds after a restart and
// returns how long that took.
func waitRecorded(t *testing.T, tr *traffic) time.Duration {
	t.Helper()
	start := time.Now()
	deadline := start.Add(30 * time.Second)
	for {
		err := tr.record()
		if err == nil {
			return time.Since(start)
		}
		if time.Now().After(deadline) {
			t.Fatalf("still failing %v after the restart: %v", time.Since(start), err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
