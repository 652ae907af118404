package audittest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/s3am/s3-access-manager/internal/audit"
)

// LongKey is a key of n-1 bytes a hostile client might send, of random
// ASCII that does not compress (a database cannot squeeze it under an index
// limit).
func LongKey(r *rand.Rand, n int) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_/"
	var b strings.Builder
	for b.Len() < n-1 {
		b.WriteByte(alphabet[r.IntN(len(alphabet))])
	}
	return b.String()
}

// testAppendBoundsFields: a batch holding a refused request's 200 KiB key, an
// 8 KB key (beyond PostgreSQL's btree entry limit), hundreds of long groups
// and a long user, beside other users' ordinary events, is stored whole.
// Every stored field is within its limit, an over-long key keeps its start
// and ends with audit.CutMark of the original, and the chain verifies: the
// stored values are the hashed ones.
func testAppendBoundsFields(t *testing.T, open OpenFunc) {
	s, _ := open(t)
	ctx := context.Background()
	r := rand.New(rand.NewPCG(41, 42))
	huge, eightK := LongKey(r, 200<<10), LongKey(r, 8<<10)
	groups := make([]string, 300)
	for i := range groups {
		groups[i] = fmt.Sprintf("%04d-", i) + LongKey(r, 1000)
	}
	events := make([]audit.Event, 6)
	for i := range events {
		events[i] = RandomEvent(r, "w")
	}
	events[1].Key = huge
	events[3].Key, events[3].User, events[3].Groups = eightK, LongKey(r, 10<<10), groups
	events[4].Bucket, events[4].Connection, events[4].Grant = LongKey(r, 4<<10), LongKey(r, 4<<10), LongKey(r, 4<<10)
	if err := s.Append(ctx, events); err != nil {
		t.Fatalf("append with over-long fields: %v", err)
	}
	stored := Pages(t, s, audit.Filter{Writer: "w", Limit: audit.MaxPageSize})
	if len(stored) != len(events) {
		t.Fatalf("%d events stored, want %d", len(stored), len(events))
	}
	bySeq := map[int64]*audit.Event{}
	for i := range stored {
		e := &stored[i]
		bySeq[e.Seq] = e
		for name, v := range map[string]string{"user": e.User, "connection": e.Connection, "bucket": e.Bucket, "grant": e.Grant} {
			if len(v) > audit.MaxNameBytes {
				t.Errorf("seq %d: %s of %d bytes stored", e.Seq, name, len(v))
			}
		}
		if len(e.Key) > audit.MaxKeyBytes || len(e.Groups) > audit.MaxGroups {
			t.Errorf("seq %d: key of %d bytes, %d groups stored", e.Seq, len(e.Key), len(e.Groups))
		}
	}
	for seq, key := range map[int64]string{2: huge, 4: eightK} {
		got := bySeq[seq].Key
		if !strings.HasSuffix(got, audit.CutMark(key)) || !strings.HasPrefix(key, strings.TrimSuffix(got, audit.CutMark(key))) || len(got) < 900 {
			t.Errorf("seq %d: %d-byte key stored as %d bytes ending %q", seq, len(key), len(got), got[max(0, len(got)-120):])
		}
	}
	if g := bySeq[4].Groups; len(g) != audit.MaxGroups || g[0] != groups[0][:audit.MaxNameBytes-len(audit.CutMark(groups[0]))]+audit.CutMark(groups[0]) {
		t.Errorf("groups stored as %d entries, the first %q", len(g), g[0])
	}
	found := Pages(t, s, audit.Filter{KeyPrefix: huge[:300]})
	if len(found) != 1 || found[0].Seq != 2 {
		t.Errorf("query by the start of the long key found %d events", len(found))
	}
	if res, err := s.Verify(ctx, "w"); err != nil || !res.OK() || res.Count != int64(len(events)) {
		t.Errorf("verify: %+v, %v", res, err)
	}
}

// RecordOneBatch records events through a Recorder on s, all in one
// group-commit batch (as concurrent requests are), and returns each
// Record's error.
func RecordOneBatch(t testing.TB, s audit.Store, events []audit.Event) []error {
	t.Helper()
	rec := NewRecorder(t, audit.Options{
		Writer: "batch", Store: s,
		// The batch is stored when all events are in, long before this.
		MaxBatch: len(events), BatchWait: time.Minute,
	})
	errs := make([]error, len(events))
	var wg sync.WaitGroup
	for i := range events {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = rec.Record(context.Background(), events[i])
		}()
	}
	wg.Wait()
	return errs
}

// CheckBadEventCostsNoOther records, in one batch, events of several users,
// one of which has key bad, and checks that every other event is stored and
// the chain verifies. It returns the bad event's Record error; when nil,
// the bad event is on record too, its key within audit.MaxKeyBytes.
func CheckBadEventCostsNoOther(t testing.TB, s audit.Store, bad string) error {
	t.Helper()
	users := []string{"alice@partner-a.com", "bob@partner-b.com", "carol", "dave", "erin"}
	events := make([]audit.Event, len(users))
	for i, u := range users {
		events[i] = audit.Event{
			RequestID: fmt.Sprintf("req-%d", i), User: u, Action: audit.ActionUpload, Connection: "main",
			Bucket: "partner-data", Key: u + "/report.pdf", Decision: audit.DecisionAllowed, Outcome: audit.OutcomePending,
		}
	}
	const badAt = 2
	events[badAt].Key, events[badAt].Decision, events[badAt].Outcome = bad, audit.DecisionBlocked, audit.OutcomeFailure
	errs := RecordOneBatch(t, s, events)
	stored := map[string]audit.Event{}
	for _, e := range Pages(t, s, audit.Filter{Writer: "batch", Limit: audit.MaxPageSize}) {
		stored[e.RequestID] = e
	}
	for i := range events {
		if i == badAt {
			continue
		}
		if errs[i] != nil {
			t.Errorf("%s: Record failed beside a bad event: %v", events[i].User, errs[i])
		}
		if _, ok := stored[events[i].RequestID]; !ok {
			t.Errorf("%s: event lost beside a bad event", events[i].User)
		}
	}
	if e, ok := stored[events[badAt].RequestID]; ok && (errs[badAt] != nil || len(e.Key) > audit.MaxKeyBytes) {
		t.Errorf("bad event stored with a %d-byte key, Record error %v", len(e.Key), errs[badAt])
	} else if !ok && errs[badAt] == nil {
		t.Error("bad event neither stored nor reported")
	}
	if res, err := s.Verify(context.Background(), "batch"); err != nil || !res.OK() || res.Count != int64(len(stored)) {
		t.Errorf("verify: %+v, %v (%d stored)", res, err, len(stored))
	}
	return errs[badAt]
}

// RunBadEventSuite checks that one bad event in a group-commit batch costs
// no other event its record: over-long keys (a refused request's 200 KiB
// key; an 8 KB one, beyond PostgreSQL's btree entry limit) are stored
// bounded, and an event the database refuses (poison installs a rule in
// the database of a store refusing the key "poison", as a database refuses
// a row it cannot hold) is reported to its own Record only.
func RunBadEventSuite(t *testing.T, open OpenFunc, poison func(t testing.TB, s audit.Store)) {
	r := rand.New(rand.NewPCG(51, 52))
	for name, key := range map[string]string{"200KiB key": LongKey(r, 200<<10), "8KB key": LongKey(r, 8<<10)} {
		t.Run(name, func(t *testing.T) {
			s, _ := open(t)
			if err := CheckBadEventCostsNoOther(t, s, key); err != nil {
				t.Errorf("the event with the long key is not on record: %v", err)
			}
		})
	}
	t.Run("refused event", func(t *testing.T) {
		s, _ := open(t)
		poison(t, s)
		if err := CheckBadEventCostsNoOther(t, s, "poison"); !errors.Is(err, audit.ErrRejected) {
			t.Errorf("Record of the refused event: %v, want an error wrapping ErrRejected", err)
		}
	})
}
