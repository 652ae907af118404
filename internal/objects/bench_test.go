package objects_test

import (
	"testing"

	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/objects"
)

// BenchmarkPresignPut measures presigned PUTs per second on the server's
// path: validation, credentials (cached, for scoped), signing. Scoped
// credentials are minted once before timing starts, as in steady state.
func BenchmarkPresignPut(b *testing.B) {
	env := startMinIO(b)
	src := &grantSource{}
	src.set(testGrant("alice", "bench/", rwd, grant.Subject{Kind: grant.User, Name: "alice"}))
	in := objects.PutRequest{Bucket: testBucket, Key: "bench/report-2026.csv", ContentType: "text/csv", ContentLength: 1 << 20}
	for _, bc := range []struct {
		name    string
		scoping bool
	}{{"unscoped", false}, {"scoped-cached", true}} {
		b.Run(bc.name, func(b *testing.B) {
			svc := env.service(b, bc.scoping, objects.Options{Grants: src.get})
			if _, err := svc.PresignPut(b.Context(), alice, in); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := svc.PresignPut(b.Context(), alice, in); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "presigns/s")
			if bc.scoping {
				if st := svc.ScopingStats(); st.Mints != 1 {
					b.Fatalf("%+v: credentials were not cached", st)
				}
			}
		})
	}
	b.Run("scoped-mint-each", func(b *testing.B) {
		// Invalidate before every call: the cost of a cache miss, dominated
		// by the STS round trip.
		svc := env.service(b, true, objects.Options{Grants: src.get})
		b.ReportAllocs()
		for b.Loop() {
			svc.Invalidate()
			if _, err := svc.PresignPut(b.Context(), alice, in); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "presigns/s")
	})
	b.Run("scoped-parallel", func(b *testing.B) {
		svc := env.service(b, true, objects.Options{Grants: src.get})
		if _, err := svc.PresignPut(b.Context(), alice, in); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := svc.PresignPut(b.Context(), alice, in); err != nil {
					b.Error(err)
					return
				}
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "presigns/s")
	})
}
