package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/s3am/s3-access-manager/internal/audit"
)

func openStore(t testing.TB) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "audit.db")
	s, err := Open(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

// rawDB opens the file behind the store's back, as an intruder would.
func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func exec(t *testing.T, db *sql.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

var (
	baseTime = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	users    = []string{"alice@partner-a.com", "bob@partner-b.com", "carol"}
	actions  = []string{audit.ActionUpload, audit.ActionDownload, audit.ActionList, audit.ActionDelete}
	buckets  = []string{"partner-data", "archive"}
	keys     = []string{"partner-a/uploads/", "partner-a/uploads-evil/", "partner-a/processed/", "partner-b/", "ü/"}
	outcomes = []audit.Outcome{audit.OutcomeSuccess, audit.OutcomeFailure, audit.OutcomePending}
)

// randomEvent draws an event whose time is one of a few seconds, so that
// many events share a time and ordering relies on (writer, seq).
func randomEvent(r *rand.Rand, writer string) audit.Event {
	d := audit.DecisionAllowed
	if r.IntN(3) == 0 {
		d = audit.DecisionBlocked
	}
	return audit.Event{
		Time:       baseTime.Add(time.Duration(r.IntN(20)) * time.Second),
		RequestID:  fmt.Sprintf("req-%d", r.Int64()),
		User:       users[r.IntN(len(users))],
		Groups:     []string{"g1", "g2"}[:r.IntN(3)],
		SourceIP:   "192.0.2.1",
		UserAgent:  "test",
		Action:     actions[r.IntN(len(actions))],
		Connection: "main",
		Bucket:     buckets[r.IntN(len(buckets))],
		Key:        keys[r.IntN(len(keys))] + fmt.Sprintf("f%d", r.IntN(5)),
		Decision:   d,
		Reason:     "Allowed",
		Outcome:    outcomes[r.IntN(len(outcomes))],
		Bytes:      r.Int64N(1 << 20),
		Writer:     writer,
	}
}

func appendN(t testing.TB, s *Store, r *rand.Rand, writer string, n int) []audit.Event {
	t.Helper()
	events := make([]audit.Event, n)
	for i := range events {
		events[i] = randomEvent(r, writer)
	}
	if err := s.Append(context.Background(), events); err != nil {
		t.Fatal(err)
	}
	return events
}

// pages reads every page of f and returns the events in order.
func pages(t *testing.T, s *Store, f audit.Filter) []audit.Event {
	t.Helper()
	var out []audit.Event
	for {
		p, err := s.Query(context.Background(), f)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Events) > f.PageSize() {
			t.Fatalf("page of %d events, limit %d", len(p.Events), f.PageSize())
		}
		out = append(out, p.Events...)
		if p.Next == "" {
			return out
		}
		if len(p.Events) != f.PageSize() {
			t.Fatalf("short page (%d of %d) with a next cursor", len(p.Events), f.PageSize())
		}
		f.Cursor = p.Next
	}
}

// before is the query order.
func before(a, b *audit.Event) bool {
	ta, tb := a.Time.UnixMicro(), b.Time.UnixMicro()
	if ta != tb {
		return ta < tb
	}
	if a.Writer != b.Writer {
		return a.Writer < b.Writer
	}
	return a.Seq < b.Seq
}

type eventID struct {
	writer string
	seq    int64
}

func idOf(e *audit.Event) eventID { return eventID{e.Writer, e.Seq} }
