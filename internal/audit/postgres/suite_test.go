package postgres

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/s3am/s3-access-manager/internal/audit"
	"github.com/s3am/s3-access-manager/internal/audit/audittest"
	"github.com/s3am/s3-access-manager/internal/audit/sqlite"
	"github.com/s3am/s3-access-manager/internal/testenv/postgresserver"
)

// TestStoreConformance runs the audit.Store suite every store passes, each
// test on a fresh database; and audittest.RunBadEventSuite, where a CHECK
// constraint refuses the bad event.
func TestStoreConformance(t *testing.T) {
	srv := postgresserver.Start(t)
	open := func(t testing.TB) (audit.Store, func() audit.Store) {
		dsn := newDatabase(t, srv)
		return openStore(t, dsn, Options{}), func() audit.Store { return openStore(t, dsn, Options{}) }
	}
	audittest.RunStoreSuite(t, open)
	t.Run("BadEventCostsNoOther", func(t *testing.T) {
		audittest.RunBadEventSuite(t, open, func(t testing.TB, s audit.Store) {
			if _, err := s.(*Store).db.ExecContext(context.Background(),
				`ALTER TABLE audit_events ADD CONSTRAINT poison CHECK (object_key <> 'poison')`); err != nil {
				t.Fatal(err)
			}
		})
	})
}

// TestQueryMatchesSQLite stores the same batches in both stores and compares
// every page: events field for field, hashes, and the cursors themselves.
func TestQueryMatchesSQLite(t *testing.T) {
	srv := postgresserver.Start(t)
	ctx := context.Background()
	pg := openStore(t, newDatabase(t, srv), Options{})
	lite, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "audit.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	r := rand.New(rand.NewPCG(31, 32))
	writers := []string{"pod-b", "Pod-A", "pod_a", "pöd"}
	for range 3 {
		for _, w := range writers {
			batch := make([]audit.Event, 40)
			for i := range batch {
				batch[i] = audittest.RandomEvent(r, w)
			}
			twin := cloneEvents(batch)
			if err := pg.Append(ctx, batch); err != nil {
				t.Fatal(err)
			}
			if err := lite.Append(ctx, twin); err != nil {
				t.Fatal(err)
			}
		}
	}
	at := func(sec int) time.Time { return audittest.BaseTime.Add(time.Duration(sec) * time.Second) }
	for _, f := range []audit.Filter{
		{}, {Writer: "Pod-A"}, {KeyPrefix: "partner-a/uploads"}, {User: "carol", From: at(3), To: at(17)},
		{Decision: audit.DecisionBlocked, Outcome: audit.OutcomeFailure}, {From: at(4).Add(time.Microsecond / 2)},
	} {
		for _, desc := range []bool{false, true} {
			f.Descending, f.Limit, f.Cursor = desc, 11, ""
			for page := 0; ; page++ {
				want, err := lite.Query(ctx, f)
				if err != nil {
					t.Fatal(err)
				}
				got, err := pg.Query(ctx, f)
				if err != nil {
					t.Fatal(err)
				}
				if got.Next != want.Next || len(got.Events) != len(want.Events) {
					t.Fatalf("%+v page %d: %d events, next %q; SQLite: %d events, next %q", f, page, len(got.Events), got.Next, len(want.Events), want.Next)
				}
				for i := range got.Events {
					if !audittest.SameEvent(&got.Events[i], &want.Events[i]) {
						t.Fatalf("%+v page %d event %d:\n%+v\nSQLite:\n%+v", f, page, i, got.Events[i], want.Events[i])
					}
				}
				if got.Next == "" {
					break
				}
				f.Cursor = got.Next
			}
		}
	}
	for _, w := range writers {
		a, errA := pg.Verify(ctx, w)
		b, errB := lite.Verify(ctx, w)
		if errA != nil || errB != nil || a != b || !a.OK() {
			t.Errorf("verify %s: %+v %v; SQLite %+v %v", w, a, errA, b, errB)
		}
	}
}

func cloneEvents(events []audit.Event) []audit.Event {
	out := make([]audit.Event, len(events))
	copy(out, events)
	return out
}
