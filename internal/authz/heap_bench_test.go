package authz_test

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/s3am/s3-access-manager/internal/authz"
)

// BenchmarkIndexHeap loads 1k, 10k and 100k grants into a fresh index, as a
// feeder's initial load does, and reports the heap the index needs: the peak
// during Replace and what it keeps once built, above the grants themselves.
// Run with -benchtime=1x.
func BenchmarkIndexHeap(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000} {
		d := makeBenchData(n)
		b.Run(fmt.Sprintf("grants=%d", n), func(b *testing.B) {
			for b.Loop() {
				runtime.GC()
				var base runtime.MemStats
				runtime.ReadMemStats(&base)
				var peak atomic.Uint64
				stop := samplePeak(&peak)
				ix := authz.New()
				if err := ix.Replace(d.grants); err != nil {
					b.Fatal(err)
				}
				stop()
				runtime.GC()
				var after runtime.MemStats
				runtime.ReadMemStats(&after)
				b.ReportMetric(float64(peak.Load()-min(peak.Load(), base.HeapAlloc))/(1<<20), "peak-heap-growth-MiB")
				b.ReportMetric(float64(after.HeapAlloc-min(after.HeapAlloc, base.HeapAlloc))/(1<<20), "retained-MiB")
				runtime.KeepAlive(ix)
			}
		})
	}
}

// samplePeak records the largest HeapAlloc seen every 10 ms until
// stopped.
func samplePeak(peak *atomic.Uint64) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > peak.Load() {
				peak.Store(ms.HeapAlloc)
			}
			select {
			case <-done:
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	}()
	return func() { close(done); wg.Wait(); runtime.ReadMemStats(new(runtime.MemStats)) }
}
