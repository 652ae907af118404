package postgres

import (
	"context"
	"testing"

	"github.com/s3am/s3-access-manager/internal/audit"
	"github.com/s3am/s3-access-manager/internal/audit/audittest"
	"github.com/s3am/s3-access-manager/internal/testenv/postgresserver"
)

// TestBadEventCostsNoOther: see audittest.RunBadEventSuite. The refused
// event is refused by a CHECK constraint.
func TestBadEventCostsNoOther(t *testing.T) {
	srv := postgresserver.Start(t)
	audittest.RunBadEventSuite(t, func(t testing.TB) (audit.Store, func() audit.Store) {
		return openStore(t, newDatabase(t, srv), Options{}), nil
	}, func(t testing.TB, s audit.Store) {
		if _, err := s.(*Store).pool.Exec(context.Background(),
			`ALTER TABLE audit_events ADD CONSTRAINT poison CHECK (object_key <> 'poison')`); err != nil {
			t.Fatal(err)
		}
	})
}
