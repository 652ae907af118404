package sqlite

import (
	"context"
	"testing"

	"github.com/s3am/s3-access-manager/internal/audit"
	"github.com/s3am/s3-access-manager/internal/audit/audittest"
)

// TestStoreConformance runs the audit.Store suite every store passes.
func TestStoreConformance(t *testing.T) {
	audittest.RunStoreSuite(t, func(t testing.TB) (audit.Store, func() audit.Store) {
		s, path := openStore(t)
		return s, func() audit.Store {
			other, err := Open(context.Background(), path, Options{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { other.Close() })
			return other
		}
	})
}
