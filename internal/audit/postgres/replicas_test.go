package postgres

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/s3am/s3-access-manager/internal/audit"
	"github.com/s3am/s3-access-manager/internal/audit/audittest"
	"github.com/s3am/s3-access-manager/internal/testenv/postgresserver"
)

// newRecorder is the audit side of one server replica.
func newRecorder(t testing.TB, store audit.Store, writer string, policy audit.FailurePolicy) *audit.Recorder {
	return audittest.NewRecorder(t, audit.Options{Writer: writer, Store: store, Policy: policy})
}

// recordConcurrently records n events through r from callers goroutines at
// once, as concurrent requests do.
func recordConcurrently(t *testing.T, r *audit.Recorder, callers, n int) {
	t.Helper()
	var wg sync.WaitGroup
	for c := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := c; i < n; i += callers {
				if err := r.Record(context.Background(), audittest.Attempt(i)); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// TestTwoReplicasShareOneStore: two server replicas (two Recorders with
// their own Writer names, each with its own Store and pool) record 10,000
// events concurrently into one database. None is lost, one Query returns
// both replicas' events, and each chain verifies.
func TestTwoReplicasShareOneStore(t *testing.T) {
	srv := postgresserver.Start(t)
	dsn := newDatabase(t, srv)
	ctx := context.Background()
	const perReplica = 5000
	writers := []string{"server-a", "server-b"}
	var wg sync.WaitGroup
	for _, w := range writers {
		rec := newRecorder(t, openStore(t, dsn, Options{}), w, audit.PolicyFail)
		wg.Add(1)
		go func() {
			defer wg.Done()
			recordConcurrently(t, rec, 32, perReplica)
		}()
	}
	wg.Wait()

	var count int64
	if err := rawConn(t, dsn).QueryRow(ctx, `SELECT count(*) FROM audit_events`).Scan(&count); err != nil || count != 2*perReplica {
		t.Fatalf("%d rows stored, want %d (%v)", count, 2*perReplica, err)
	}
	reader := openStore(t, dsn, Options{ReadOnly: true})
	all := audittest.Pages(t, reader, audit.Filter{Limit: audit.MaxPageSize})
	seen := map[audittest.ID]bool{}
	perWriter := map[string]int{}
	for i := range all {
		seen[audittest.IDOf(&all[i])] = true
		perWriter[all[i].Writer]++
		if i > 0 && !audittest.Before(&all[i-1], &all[i]) {
			t.Fatalf("event %d out of order", i)
		}
	}
	if len(all) != 2*perReplica || len(seen) != 2*perReplica {
		t.Fatalf("query returned %d events (%d distinct), want %d", len(all), len(seen), 2*perReplica)
	}
	ws, err := reader.Writers(ctx)
	if err != nil || fmt.Sprint(ws) != fmt.Sprint(writers) {
		t.Errorf("writers %v, %v", ws, err)
	}
	for _, w := range writers {
		res, err := reader.Verify(ctx, w)
		if err != nil || !res.OK() || res.Count != perReplica || res.LastSeq != perReplica || perWriter[w] != perReplica {
			t.Errorf("%s: %d queried, verify %+v, %v", w, perWriter[w], res, err)
		}
	}
}

// TestOneWriterFromTwoPools: two processes that (wrongly) share a Writer
// name still build one valid chain: the advisory lock serializes them.
func TestOneWriterFromTwoPools(t *testing.T) {
	srv := postgresserver.Start(t)
	dsn := newDatabase(t, srv)
	const perProcess = 1000
	var wg sync.WaitGroup
	for range 2 {
		rec := newRecorder(t, openStore(t, dsn, Options{}), "shared", audit.PolicyFail)
		wg.Add(1)
		go func() {
			defer wg.Done()
			recordConcurrently(t, rec, 16, perProcess)
		}()
	}
	wg.Wait()
	res, err := openStore(t, dsn, Options{}).Verify(context.Background(), "shared")
	if err != nil || !res.OK() || res.Count != 2*perProcess {
		t.Fatalf("%+v, %v", res, err)
	}
}
