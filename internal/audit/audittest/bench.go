package audittest

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/s3am/s3-access-manager/internal/audit"
)

// Attempt is the event of one request, as the server records it.
func Attempt(i int) audit.Event {
	return audit.Event{
		RequestID: fmt.Sprintf("req-%d", i), User: "alice@partner-a.com", Groups: []string{"partners"},
		SourceIP: "192.0.2.7", UserAgent: "test", Action: audit.ActionUpload, Connection: "main",
		Bucket: "partner-data", Key: fmt.Sprintf("partner-a/uploads/f%d", i),
		Decision: audit.DecisionAllowed, Reason: "Allowed", Grant: "team-a/uploads", Outcome: audit.OutcomePending,
	}
}

// BenchWriters are the numbers of concurrent callers BenchmarkStore
// measures: requests in flight on a server.
var BenchWriters = []int{16, 64, 256}

// BenchmarkStore measures events per second into the stores open makes
// (each a new, empty database): through Recorder.Record one caller at a
// time (each event its own transaction and commit), from 16, 64 and 256
// concurrent callers (group commit), and Store.Append of single events
// without the Recorder. Besides events/s, which on a busy machine mostly
// says how fast its disk syncs, it reports cpu-µs/event: the CPU time of
// this process (not of a database server) per event.
func BenchmarkStore(b *testing.B, open func(b *testing.B) audit.Store) {
	ctx := context.Background()
	e := Attempt(1)
	b.Run("recorder-sequential", func(b *testing.B) {
		r := NewRecorder(b, audit.Options{Writer: "bench", Store: open(b)})
		b.ReportAllocs()
		cpu := cpuTime()
		for b.Loop() {
			if err := r.Record(ctx, e); err != nil {
				b.Fatal(err)
			}
		}
		report(b, cpu)
	})
	for _, writers := range BenchWriters {
		b.Run(fmt.Sprintf("recorder-parallel-%d", writers), func(b *testing.B) {
			r := NewRecorder(b, audit.Options{Writer: "bench", Store: open(b)})
			b.ReportAllocs()
			b.ResetTimer()
			cpu := cpuTime()
			var (
				next atomic.Int64
				wg   sync.WaitGroup
			)
			for range writers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for next.Add(1) <= int64(b.N) {
						if err := r.Record(ctx, e); err != nil {
							b.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
			report(b, cpu)
		})
	}
	b.Run("store-sequential", func(b *testing.B) {
		s := open(b)
		ev := e
		ev.Writer = "bench"
		ev.Time = BaseTime
		b.ReportAllocs()
		cpu := cpuTime()
		for b.Loop() {
			batch := []audit.Event{ev}
			if err := s.Append(ctx, batch); err != nil {
				b.Fatal(err)
			}
		}
		report(b, cpu)
	})
}

// report reports events/s and the CPU time per event since cpu.
func report(b *testing.B, cpu time.Duration) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64((cpuTime()-cpu).Microseconds())/float64(b.N), "cpu-µs/event")
}

// cpuTime is the CPU time this process used so far, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
