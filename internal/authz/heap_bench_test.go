package authz_test

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"testing"

	"github.com/s3am/s3-access-manager/internal/authz"
)

// BenchmarkIndexHeap loads 1k, 10k and 100k grants into a fresh index, as a
// feeder's initial load does, with the collector off: what Replace
// allocates is then an upper bound of the heap it needs at its peak. What
// the index keeps is measured after a collection. Run with -benchtime=1x.
func BenchmarkIndexHeap(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000} {
		d := makeBenchData(n)
		b.Run(fmt.Sprintf("grants=%d", n), func(b *testing.B) {
			for b.Loop() {
				runtime.GC()
				var before, built, after runtime.MemStats
				runtime.ReadMemStats(&before)
				gc := debug.SetGCPercent(-1)
				ix := authz.New()
				err := ix.Replace(d.grants)
				runtime.ReadMemStats(&built)
				debug.SetGCPercent(gc)
				if err != nil {
					b.Fatal(err)
				}
				runtime.GC()
				runtime.ReadMemStats(&after)
				b.ReportMetric(float64(built.TotalAlloc-before.TotalAlloc)/(1<<20), "allocated-MiB")
				b.ReportMetric(float64(after.HeapAlloc-min(after.HeapAlloc, before.HeapAlloc))/(1<<20), "retained-MiB")
				runtime.KeepAlive(ix)
			}
		})
	}
}
