package audit_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/s3am/s3-access-manager/internal/audit"
	"github.com/s3am/s3-access-manager/internal/audit/audittest"
	"github.com/s3am/s3-access-manager/internal/audit/sqlite"
)

// BenchmarkRecorderSQLite measures events per second into SQLite (WAL,
// synchronous=FULL: every commit is fsynced); see audittest.BenchmarkStore.
func BenchmarkRecorderSQLite(b *testing.B) {
	audittest.BenchmarkStore(b, func(b *testing.B) audit.Store {
		store, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "audit.db"), sqlite.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { store.Close() })
		return store
	})
}
