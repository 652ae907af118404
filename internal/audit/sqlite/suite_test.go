package sqlite

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/s3am/s3-access-manager/internal/audit"
	"github.com/s3am/s3-access-manager/internal/audit/audittest"
)

// TestStoreConformance runs the audit.Store suite every store passes.
func TestStoreConformance(t *testing.T) {
	audittest.RunStoreSuite(t, openForSuite)
}

// TestBadEventCostsNoOther: see audittest.RunBadEventSuite. The refused
// event is refused by a trigger.
func TestBadEventCostsNoOther(t *testing.T) {
	audittest.RunBadEventSuite(t, openForSuite, func(t testing.TB, s audit.Store) {
		exec(t, s.(*Store).db, `CREATE TRIGGER poison BEFORE INSERT ON audit_events
			WHEN NEW.object_key = 'poison' BEGIN SELECT RAISE(ABORT, 'poison refused'); END`)
	})
}

// TestQueryPlans: the common queries read an index in order instead of
// sorting the table.
func TestQueryPlans(t *testing.T) {
	s, _ := openStore(t)
	appendN(t, s, rand.New(rand.NewPCG(1, 1)), "w", 50)
	audittest.CheckPlans(t, s, "INDEX", "TEMP B-TREE")
}

// openForSuite is the audittest.OpenFunc of this store: a new file, and
// further handles on it.
func openForSuite(t testing.TB) (audit.Store, func() audit.Store) {
	s, path := openStore(t)
	return s, func() audit.Store {
		other, err := Open(context.Background(), path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { other.Close() })
		return other
	}
}
