package audittest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/s3am/s3-access-manager/internal/audit"
)

// OpenFunc opens a store on a new, empty database for t, and returns it with
// a function opening further handles on that same database, each with its
// own connections, as another server process would have. Everything opened
// is closed when t ends.
type OpenFunc func(t testing.TB) (s audit.Store, another func() audit.Store)

// RunStoreSuite runs the conformance tests of audit.Store against the stores
// open makes: chaining per writer, all-or-nothing appends, appends to one
// chain from two handles, bounded fields, queries against the reference Filter.Matches,
// byte-wise ordering, pagination while appending and filter validation.
func RunStoreSuite(t *testing.T, open OpenFunc) {
	t.Run("AppendChainsPerWriter", func(t *testing.T) { testAppendChainsPerWriter(t, open) })
	t.Run("AppendIsAllOrNothing", func(t *testing.T) { testAppendIsAllOrNothing(t, open) })
	t.Run("AppendFromTwoHandles", func(t *testing.T) { testAppendFromTwoHandles(t, open) })
	t.Run("AppendBoundsFields", func(t *testing.T) { testAppendBoundsFields(t, open) })
	t.Run("EmptyStore", func(t *testing.T) { testEmptyStore(t, open) })
	t.Run("QueryMatchesReference", func(t *testing.T) { testQueryMatchesReference(t, open) })
	t.Run("ByteOrder", func(t *testing.T) { testByteOrder(t, open) })
	t.Run("PaginationWhileAppending", func(t *testing.T) { testPaginationWhileAppending(t, open) })
	t.Run("QueryRejectsBadFilters", func(t *testing.T) { testQueryRejectsBadFilters(t, open) })
}

func testAppendChainsPerWriter(t *testing.T, open OpenFunc) {
	s, _ := open(t)
	r := rand.New(rand.NewPCG(1, 2))
	ctx := context.Background()
	for batch := 0; batch < 5; batch++ {
		events := make([]audit.Event, 30)
		for i := range events {
			events[i] = RandomEvent(r, []string{"pod-a", "pod-b", "pod-c"}[i%3])
		}
		if err := s.Append(ctx, events); err != nil {
			t.Fatal(err)
		}
		for i := range events {
			if want := int64(batch*10 + i/3 + 1); events[i].Seq != want {
				t.Fatalf("batch %d event %d of %s: seq %d, want %d", batch, i, events[i].Writer, events[i].Seq, want)
			}
		}
	}
	writers, err := s.Writers(ctx)
	if err != nil || fmt.Sprint(writers) != "[pod-a pod-b pod-c]" {
		t.Fatalf("writers %v, %v", writers, err)
	}
	for _, w := range writers {
		res, err := s.Verify(ctx, w)
		if err != nil || !res.OK() || res.Count != 50 || res.LastSeq != 50 {
			t.Errorf("%s: %+v, %v", w, res, err)
		}
	}
	empty, err := s.Verify(ctx, "nobody")
	if err != nil || !empty.OK() || empty.Count != 0 {
		t.Errorf("empty chain: %+v, %v", empty, err)
	}
}

func testAppendIsAllOrNothing(t *testing.T, open OpenFunc) {
	s, _ := open(t)
	r := rand.New(rand.NewPCG(3, 4))
	events := []audit.Event{RandomEvent(r, "w"), RandomEvent(r, "w")}
	events[1].Decision = "perhaps"
	if err := s.Append(context.Background(), events); err == nil {
		t.Fatal("invalid event accepted")
	}
	p, err := s.Query(context.Background(), audit.Filter{})
	if err != nil || len(p.Events) != 0 {
		t.Fatalf("%d events stored, %v", len(p.Events), err)
	}
}

// testAppendFromTwoHandles: two handles (two pools, as two processes would
// have) append to one chain at once; the store keeps it linear.
func testAppendFromTwoHandles(t *testing.T, open OpenFunc) {
	s1, another := open(t)
	s2 := another()
	// In turn first: the head each handle appended last is stale every time.
	r := rand.New(rand.NewPCG(8, 9))
	for i := range 6 {
		AppendN(t, []audit.Store{s1, s2}[i%2], r, "alternating", 3)
	}
	if res, err := s2.Verify(context.Background(), "alternating"); err != nil || !res.OK() || res.Count != 18 {
		t.Fatalf("alternating: %+v, %v", res, err)
	}
	var wg sync.WaitGroup
	for i, s := range []audit.Store{s1, s2, s1, s2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(i), 9))
			for range 25 {
				batch := []audit.Event{RandomEvent(r, "shared"), RandomEvent(r, "shared"), RandomEvent(r, "shared"), RandomEvent(r, "shared")}
				if err := s.Append(context.Background(), batch); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	for _, s := range []audit.Store{s1, s2} {
		res, err := s.Verify(context.Background(), "shared")
		if err != nil || !res.OK() || res.Count != 400 {
			t.Fatalf("%+v, %v", res, err)
		}
	}
}

func testEmptyStore(t *testing.T, open OpenFunc) {
	s, _ := open(t)
	ctx := context.Background()
	if ws, err := s.Writers(ctx); err != nil || len(ws) != 0 {
		t.Errorf("writers of an empty store: %v, %v", ws, err)
	}
	if p, err := s.Query(ctx, audit.Filter{Descending: true}); err != nil || len(p.Events) != 0 || p.Next != "" {
		t.Errorf("query of an empty store: %+v, %v", p, err)
	}
	if err := s.Append(ctx, nil); err != nil {
		t.Errorf("append of nothing: %v", err)
	}
}

// testQueryMatchesReference pages through many filters with a small page
// size and compares with Filter.Matches over every stored event.
func testQueryMatchesReference(t *testing.T, open OpenFunc) {
	s, _ := open(t)
	r := rand.New(rand.NewPCG(11, 12))
	var all []audit.Event
	for range 4 {
		for _, w := range []string{"pod-b", "pod-a", "pod-c"} {
			all = append(all, AppendN(t, s, r, w, 100)...)
		}
	}
	at := func(sec int) time.Time { return BaseTime.Add(time.Duration(sec) * time.Second) }
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
	// Both events of one request (a change recorded before and after it).
	twice := all[17]
	twice.Seq, twice.Outcome = 0, audit.OutcomeSuccess
	all = append(all, AppendEvents(t, s, twice)...)
	filters = append(filters, audit.Filter{RequestID: twice.RequestID}, audit.Filter{RequestID: twice.RequestID, Outcome: audit.OutcomePending})
	for _, f := range filters {
		for _, desc := range []bool{false, true} {
			for _, limit := range []int{7, 1000} {
				f := f
				f.Descending, f.Limit = desc, limit
				expectPages(t, s, all, f)
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
		if IDOf(&all[i]) == IDOf(&p.Events[0]) {
			first = all[i]
		}
	}
	if !SameEvent(&first, &p.Events[0]) {
		t.Errorf("read back\n%+v\nstored\n%+v", p.Events[0], first)
	}
}

// expectPages compares all pages of f with the reference.
func expectPages(t *testing.T, s audit.Store, all []audit.Event, f audit.Filter) {
	t.Helper()
	want := Reference(all, f)
	got := Pages(t, s, f)
	if len(got) != len(want) {
		t.Errorf("%+v: %d events, want %d", f, len(got), len(want))
		return
	}
	for i := range got {
		if IDOf(&got[i]) != IDOf(&want[i]) {
			t.Errorf("%+v: event %d is %v, want %v", f, i, IDOf(&got[i]), IDOf(&want[i]))
			return
		}
	}
}

// testByteOrder: writers and keys that a language-aware collation orders
// differently from bytes (case, punctuation, accents, DEL) still sort and
// match byte-wise, as Go compares strings.
func testByteOrder(t *testing.T, open OpenFunc) {
	s, _ := open(t)
	writers := []string{"pod-a", "Pod-B", "pod_a", "pöd", "pod a", "POD", "pod-a2", "z"}
	keys := []string{"k/a", "k/B", "k/\x7f", "k/\x7fz", "k/\u0080", "k/é", "k/e", "k/É/x", "k/-", "k/_", "k0", "k"}
	var all []audit.Event
	for i, w := range writers {
		events := make([]audit.Event, len(keys))
		for j, k := range keys {
			events[j] = RandomEvent(rand.New(rand.NewPCG(uint64(i), uint64(j))), w)
			events[j].Time = BaseTime.Add(time.Duration(j%2) * time.Second)
			events[j].Key = k
		}
		if err := s.Append(context.Background(), events); err != nil {
			t.Fatal(err)
		}
		all = append(all, events...)
	}
	ws, err := s.Writers(context.Background())
	want := slices.Sorted(slices.Values(writers))
	if err != nil || !slices.Equal(ws, want) {
		t.Errorf("writers %q, %v; want %q", ws, err, want)
	}
	for _, f := range []audit.Filter{
		{}, {KeyPrefix: "k/"}, {KeyPrefix: "k/\x7f"}, {KeyPrefix: "k/é"}, {KeyPrefix: "k/É"},
		{KeyPrefix: "k/\u0080"}, {KeyPrefix: "k/B"}, {KeyPrefix: "k/b"}, {Writer: "Pod-B"}, {Writer: "pod-a"},
	} {
		for _, desc := range []bool{false, true} {
			for _, limit := range []int{3, 1000} {
				f := f
				f.Descending, f.Limit = desc, limit
				expectPages(t, s, all, f)
			}
		}
	}
}

// testPaginationWhileAppending: while one client pages, events are appended
// both later and earlier than its position. Every event present when it
// started is seen exactly once, and nothing repeats.
func testPaginationWhileAppending(t *testing.T, open OpenFunc) {
	for _, desc := range []bool{false, true} {
		s, _ := open(t)
		r := rand.New(rand.NewPCG(21, 22))
		initial := map[ID]bool{}
		for _, w := range []string{"pod-a", "pod-b"} {
			for _, e := range AppendN(t, s, r, w, 1000) {
				initial[IDOf(&e)] = true
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
				batch := []audit.Event{RandomEvent(r, "pod-0"), RandomEvent(r, "pod-a"), RandomEvent(r, "pod-b")}
				if err := s.Append(context.Background(), batch); err != nil {
					t.Error(err)
					return
				}
			}
		}()
		f := audit.Filter{Limit: 29, Descending: desc}
		seen := map[ID]int{}
		var prev *audit.Event
		for {
			p, err := s.Query(context.Background(), f)
			if err != nil {
				t.Fatal(err)
			}
			for i := range p.Events {
				e := &p.Events[i]
				seen[IDOf(e)]++
				if prev != nil && Before(e, prev) != desc {
					t.Fatalf("out of order: %v after %v", IDOf(e), IDOf(prev))
				}
				prev = e
			}
			if p.Next == "" {
				break
			}
			f.Cursor = p.Next
			// Also interleave deterministically, besides the free-running
			// appender.
			AppendN(t, s, r, "pod-b", 2)
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

func testQueryRejectsBadFilters(t *testing.T, open OpenFunc) {
	s, _ := open(t)
	AppendN(t, s, rand.New(rand.NewPCG(1, 1)), "w", 5)
	p, err := s.Query(context.Background(), audit.Filter{Limit: 2})
	if err != nil || p.Next == "" {
		t.Fatal(p, err)
	}
	for _, f := range []audit.Filter{
		{Limit: audit.MaxPageSize + 1},
		{Limit: -1},
		{Cursor: p.Next, Descending: true},
		{Cursor: "garbage"},
		{Decision: "perhaps"},
		{From: BaseTime, To: BaseTime},
	} {
		if _, err := s.Query(context.Background(), f); !errors.Is(err, audit.ErrInvalidFilter) {
			t.Errorf("%+v: %v", f, err)
		}
	}
}
