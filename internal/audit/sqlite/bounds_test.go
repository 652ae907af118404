package sqlite

import (
	"testing"

	"github.com/s3am/s3-access-manager/internal/audit"
	"github.com/s3am/s3-access-manager/internal/audit/audittest"
)

// TestBadEventCostsNoOther: see audittest.RunBadEventSuite. The refused
// event is refused by a trigger.
func TestBadEventCostsNoOther(t *testing.T) {
	audittest.RunBadEventSuite(t, func(t testing.TB) (audit.Store, func() audit.Store) {
		s, _ := openStore(t)
		return s, nil
	}, func(t testing.TB, s audit.Store) {
		if _, err := s.(*Store).db.Exec(`CREATE TRIGGER poison BEFORE INSERT ON audit_events
			WHEN NEW.object_key = 'poison' BEGIN SELECT RAISE(ABORT, 'poison refused'); END`); err != nil {
			t.Fatal(err)
		}
	})
}
