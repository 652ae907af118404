package postgres

import (
	"context"
	"testing"

	"github.com/s3am/s3-access-manager/internal/audit"
	"github.com/s3am/s3-access-manager/internal/audit/audittest"
	"github.com/s3am/s3-access-manager/internal/testenv/postgresserver"
)

// BenchmarkAppend measures events per second into PostgreSQL (fsync and
// synchronous_commit on, loopback TCP), to compare with
// BenchmarkRecorderSQLite: through Recorder.Record one caller at a time
// (each event its own transaction and commit) and many concurrent callers
// (group commit), and Store.Append of single events without the Recorder.
func BenchmarkAppend(b *testing.B) {
	srv := postgresserver.Start(b)
	ctx := context.Background()
	e := attempt(1)
	b.Run("recorder-sequential", func(b *testing.B) {
		r := newRecorder(b, openStore(b, newDatabase(b, srv), Options{}), "bench", audit.PolicyFail)
		b.ReportAllocs()
		for b.Loop() {
			if err := r.Record(ctx, e); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	})
	b.Run("recorder-parallel", func(b *testing.B) {
		r := newRecorder(b, openStore(b, newDatabase(b, srv), Options{}), "bench", audit.PolicyFail)
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
	b.Run("store-sequential", func(b *testing.B) {
		s := openStore(b, newDatabase(b, srv), Options{})
		ev := e
		ev.Writer = "bench"
		ev.Time = audittest.BaseTime
		b.ReportAllocs()
		for b.Loop() {
			batch := []audit.Event{ev}
			if err := s.Append(ctx, batch); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	})
}
