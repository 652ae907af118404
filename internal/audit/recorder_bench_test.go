package audit_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/s3am/s3-access-manager/internal/audit"
	"github.com/s3am/s3-access-manager/internal/audit/sqlite"
)

func benchRecorder(b *testing.B) *audit.Recorder {
	b.Helper()
	store, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "audit.db"), sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	r, err := audit.NewRecorder(audit.Options{
		Writer: "bench", JSON: io.Discard, Store: store,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		r.Close(context.Background())
		store.Close()
	})
	return r
}

// BenchmarkRecorderSQLite measures events per second through Record into
// SQLite (WAL, synchronous=FULL): one caller at a time (each event its own
// transaction and fsync) and many concurrent callers (group commit).
func BenchmarkRecorderSQLite(b *testing.B) {
	ctx := context.Background()
	e := attempt(1)
	b.Run("sequential", func(b *testing.B) {
		r := benchRecorder(b)
		b.ReportAllocs()
		for b.Loop() {
			if err := r.Record(ctx, e); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	})
	b.Run("parallel", func(b *testing.B) {
		r := benchRecorder(b)
		b.ReportAllocs()
		b.SetParallelism(32) // goroutines per GOMAXPROCS: like concurrent requests
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := r.Record(ctx, e); err != nil {
					b.Error(err)
					return
				}
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	})
}
