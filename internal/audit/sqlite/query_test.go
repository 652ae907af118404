package sqlite

import (
	"context"
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/s3am/s3-access-manager/internal/audit"
)

// TestQueryMatchesReference pages through many filters with a small page
// size and compares with Filter.Matches over every stored event.
func TestQueryMatchesReference(t *testing.T) {
	s, _ := openStore(t)
	r := rand.New(rand.NewPCG(11, 12))
	var all []audit.Event
	for range 4 {
		for _, w := range []string{"pod-b", "pod-a", "pod-c"} {
			all = append(all, appendN(t, s, r, w, 100)...)
		}
	}
	at := func(sec int) time.Time { return baseTime.Add(time.Duration(sec) * time.Second) }
	filters := []audit.Filter{
		{},
		{User: "alice@partner-a.com"},
		{User: "nobody"},
		{Action: audit.ActionUpload},
		{Decision: audit.DecisionBlocked},
		{Outcome: audit.OutcomePending},
		{Connection: "main"},
		{Bucket: "archive"},
		{Writer: "pod-c"},
		{KeyPrefix: "partner-a/uploads/"},
		{KeyPrefix: "partner-a/uploads"},
		{KeyPrefix: "ü/"},
		{Bucket: "partner-data", KeyPrefix: "partner-a/"},
		{From: at(5)},
		{To: at(5)},
		{From: at(5), To: at(6)},
		{From: at(5).Add(time.Nanosecond), To: at(19).Add(time.Nanosecond)},
		{User: "bob@partner-b.com", Action: audit.ActionDelete, Decision: audit.DecisionAllowed, From: at(2), To: at(15)},
	}
	for _, f := range filters {
		for _, desc := range []bool{false, true} {
			for _, limit := range []int{7, 1000} {
				f := f
				f.Descending, f.Limit = desc, limit
				var want []audit.Event
				for i := range all {
					if f.Matches(&all[i]) {
						want = append(want, all[i])
					}
				}
				slices.SortFunc(want, func(a, b audit.Event) int {
					if before(&a, &b) {
						return -1
					}
					return 1
				})
				if desc {
					slices.Reverse(want)
				}
				got := pages(t, s, f)
				if len(got) != len(want) {
					t.Errorf("%+v: %d events, want %d", f, len(got), len(want))
					continue
				}
				for i := range got {
					if idOf(&got[i]) != idOf(&want[i]) {
						t.Errorf("%+v: event %d is %v, want %v", f, i, idOf(&got[i]), idOf(&want[i]))
						break
					}
				}
			}
		}
	}
	// Stored events read back field for field.
	p, err := s.Query(context.Background(), audit.Filter{Writer: all[0].Writer, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	var first audit.Event
	for i := range all {
		if all[i].Writer == p.Events[0].Writer && all[i].Seq == p.Events[0].Seq {
			first = all[i]
		}
	}
	if !sameEvent(&first, &p.Events[0]) {
		t.Errorf("read back\n%+v\nstored\n%+v", p.Events[0], first)
	}
}

func sameEvent(a, b *audit.Event) bool {
	x, y := *a, *b
	return x.Time.Equal(y.Time) && slices.Equal(x.Groups, y.Groups) && x.ComputeHash() == y.ComputeHash() && x.Hash == y.Hash
}

// TestPaginationWhileAppending: while one client pages, events are appended
// both later and earlier than its position. Every event present when it
// started is seen exactly once, and nothing repeats.
func TestPaginationWhileAppending(t *testing.T) {
	for _, desc := range []bool{false, true} {
		s, _ := openStore(t)
		r := rand.New(rand.NewPCG(21, 22))
		initial := map[eventID]bool{}
		for _, w := range []string{"pod-a", "pod-b"} {
			for _, e := range appendN(t, s, r, w, 1000) {
				initial[idOf(&e)] = true
			}
		}
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(23, 24))
			for {
				select {
				case <-stop:
					return
				default:
				}
				batch := []audit.Event{randomEvent(r, "pod-0"), randomEvent(r, "pod-a"), randomEvent(r, "pod-b")}
				if err := s.Append(context.Background(), batch); err != nil {
					t.Error(err)
					return
				}
			}
		}()
		f := audit.Filter{Limit: 29, Descending: desc}
		seen := map[eventID]int{}
		var prev *audit.Event
		for {
			p, err := s.Query(context.Background(), f)
			if err != nil {
				t.Fatal(err)
			}
			for i := range p.Events {
				e := &p.Events[i]
				seen[idOf(e)]++
				if prev != nil && before(e, prev) != desc {
					t.Fatalf("out of order: %v after %v", idOf(e), idOf(prev))
				}
				prev = e
			}
			if p.Next == "" {
				break
			}
			f.Cursor = p.Next
			// Also interleave deterministically, besides the free-running
			// appender.
			appendN(t, s, r, "pod-b", 2)
		}
		close(stop)
		wg.Wait()
		for id, n := range seen {
			if n != 1 {
				t.Errorf("desc=%v: %v seen %d times", desc, id, n)
			}
		}
		for id := range initial {
			if seen[id] != 1 {
				t.Errorf("desc=%v: %v seen %d times", desc, id, seen[id])
			}
		}
		if len(seen) <= len(initial) {
			t.Errorf("desc=%v: no event appended during paging was seen", desc)
		}
	}
}

func TestQueryRejectsBadFilters(t *testing.T) {
	s, _ := openStore(t)
	appendN(t, s, rand.New(rand.NewPCG(1, 1)), "w", 5)
	p, err := s.Query(context.Background(), audit.Filter{Limit: 2})
	if err != nil || p.Next == "" {
		t.Fatal(p, err)
	}
	for _, f := range []audit.Filter{
		{Limit: audit.MaxPageSize + 1},
		{Cursor: p.Next, Descending: true},
		{Cursor: "garbage"},
	} {
		if _, err := s.Query(context.Background(), f); !errors.Is(err, audit.ErrInvalidFilter) {
			t.Errorf("%+v: %v", f, err)
		}
	}
}

// TestQueryPlans: the common queries read an index in order instead of
// sorting the table.
func TestQueryPlans(t *testing.T) {
	s, _ := openStore(t)
	appendN(t, s, rand.New(rand.NewPCG(1, 1)), "w", 50)
	cur := audit.CursorAfter(&audit.Event{Time: baseTime, Writer: "w", Seq: 3}, false).String()
	for _, f := range []audit.Filter{
		{},
		{Descending: true},
		{Cursor: cur},
		{User: "carol", From: baseTime, Cursor: cur},
		{From: baseTime, To: baseTime.Add(time.Hour), Action: audit.ActionUpload},
	} {
		q, args, err := selectFor(&f, 10)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := s.db.Query("EXPLAIN QUERY PLAN "+q, args...)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		joined := strings.Join(plan, "; ")
		if strings.Contains(joined, "TEMP B-TREE") || !strings.Contains(joined, "INDEX") {
			t.Errorf("%+v: plan %s", f, joined)
		}
	}
}

func TestReadOnly(t *testing.T) {
	ctx := context.Background()
	if _, err := Open(ctx, t.TempDir()+"/missing.db", Options{ReadOnly: true}); err == nil {
		t.Error("opened a missing database read-only")
	}
	s, path := openStore(t)
	appendN(t, s, rand.New(rand.NewPCG(1, 1)), "w", 5)
	ro, err := Open(ctx, path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if err := ro.Append(ctx, []audit.Event{randomEvent(rand.New(rand.NewPCG(1, 1)), "w")}); err == nil {
		t.Error("read-only store appended")
	}
	if res, err := ro.Verify(ctx, "w"); err != nil || !res.OK() || res.Count != 5 {
		t.Errorf("verify read-only: %+v %v", res, err)
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	s, path := openStore(t)
	s.Close()
	exec(t, rawDB(t, path), `PRAGMA user_version = 99`)
	if _, err := Open(context.Background(), path, Options{}); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Errorf("Open: %v", err)
	}
}

func TestPathWithURICharacters(t *testing.T) {
	path := t.TempDir() + "/a b?c#d%20.db"
	s, err := Open(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	appendN(t, s, rand.New(rand.NewPCG(1, 1)), "w", 1)
	if _, err := Open(context.Background(), path, Options{ReadOnly: true}); err != nil {
		t.Errorf("reopen: %v", err)
	}
}

func TestPrefixEnd(t *testing.T) {
	cases := map[string]string{"a/": "a0", "a": "b", "a\xff": "b", "é": "\xc3\xaa"}
	for in, want := range cases {
		if got, ok := prefixEnd(in); !ok || got != want {
			t.Errorf("prefixEnd(%q) = %q, %v", in, got, ok)
		}
	}
	if _, ok := prefixEnd("\xff\xff"); ok {
		t.Error("prefixEnd of 0xFF 0xFF")
	}
}
