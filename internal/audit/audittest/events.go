package audittest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/s3am/s3-access-manager/internal/audit"
)

// BaseTime is the earliest time of RandomEvent.
var BaseTime = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

var (
	users    = []string{"alice@partner-a.com", "bob@partner-b.com", "carol"}
	actions  = []string{audit.ActionUpload, audit.ActionDownload, audit.ActionList, audit.ActionDelete}
	buckets  = []string{"partner-data", "archive"}
	keys     = []string{"partner-a/uploads/", "partner-a/uploads-evil/", "partner-a/processed/", "partner-b/", "ü/"}
	outcomes = []audit.Outcome{audit.OutcomeSuccess, audit.OutcomeFailure, audit.OutcomePending}
)

// RandomEvent draws an event of writer whose time is one of 20 seconds from
// BaseTime, so that many events share a time and ordering relies on (writer,
// seq).
func RandomEvent(r *rand.Rand, writer string) audit.Event {
	d := audit.DecisionAllowed
	if r.IntN(3) == 0 {
		d = audit.DecisionBlocked
	}
	return audit.Event{
		Time:       BaseTime.Add(time.Duration(r.IntN(20)) * time.Second),
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

// AppendN appends n random events of writer in one batch and returns them
// sealed.
func AppendN(t testing.TB, s audit.Store, r *rand.Rand, writer string, n int) []audit.Event {
	t.Helper()
	events := make([]audit.Event, n)
	for i := range events {
		events[i] = RandomEvent(r, writer)
	}
	return AppendEvents(t, s, events...)
}

// AppendEvents appends events in one batch and returns them sealed.
func AppendEvents(t testing.TB, s audit.Store, events ...audit.Event) []audit.Event {
	t.Helper()
	if err := s.Append(context.Background(), events); err != nil {
		t.Fatal(err)
	}
	return events
}

// Pages reads every page of f and returns the events in order, checking
// that pages are full whenever a next cursor follows.
func Pages(t testing.TB, s audit.Querier, f audit.Filter) []audit.Event {
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

// Before is the query order: (Time, Writer, Seq), strings byte-wise.
func Before(a, b *audit.Event) bool {
	ta, tb := a.Time.UnixMicro(), b.Time.UnixMicro()
	if ta != tb {
		return ta < tb
	}
	if a.Writer != b.Writer {
		return a.Writer < b.Writer
	}
	return a.Seq < b.Seq
}

// Reference is what a store's Query must return over all pages of f, given
// every stored event: the matching ones in the filter's order.
func Reference(all []audit.Event, f audit.Filter) []audit.Event {
	var want []audit.Event
	for i := range all {
		if f.Matches(&all[i]) {
			want = append(want, all[i])
		}
	}
	slices.SortFunc(want, func(a, b audit.Event) int {
		if Before(&a, &b) {
			return -1
		}
		return 1
	})
	if f.Descending {
		slices.Reverse(want)
	}
	return want
}

// ID identifies a stored event.
type ID struct {
	Writer string
	Seq    int64
}

// IDOf is e's ID.
func IDOf(e *audit.Event) ID { return ID{e.Writer, e.Seq} }

// SameEvent reports whether a and b hold the same values, chain fields
// included.
func SameEvent(a, b *audit.Event) bool {
	x, y := *a, *b
	return x.Time.Equal(y.Time) && slices.Equal(x.Groups, y.Groups) && x.ComputeHash() == y.ComputeHash() && x.Hash == y.Hash
}
