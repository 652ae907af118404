package postgres

import (
	"testing"

	"github.com/s3am/s3-access-manager/internal/audit"
	"github.com/s3am/s3-access-manager/internal/audit/audittest"
	"github.com/s3am/s3-access-manager/internal/testenv/postgresserver"
)

// BenchmarkAppend measures events per second into PostgreSQL (fsync and
// synchronous_commit on, loopback TCP), to compare with
// BenchmarkRecorderSQLite; see audittest.BenchmarkStore.
func BenchmarkAppend(b *testing.B) {
	srv := postgresserver.Start(b)
	audittest.BenchmarkStore(b, func(b *testing.B) audit.Store {
		return openStore(b, newDatabase(b, srv), Options{})
	})
}
