package accessreview_test

import (
	"fmt"
	"testing"

	"github.com/s3am/s3-access-manager/internal/accessreview"
	"github.com/s3am/s3-access-manager/internal/grant"
)

// BenchmarkSelect10k asks who can write under a folder among 10,000 grants,
// as the admin page does on every search.
func BenchmarkSelect10k(b *testing.B) {
	entries := make([]accessreview.Entry, 10000)
	for i := range entries {
		entries[i] = accessreview.Entry{
			Grant: grant.Grant{Namespace: "ns", Name: fmt.Sprintf("g%d", i), Connection: "conn", Bucket: "data",
				Prefix:      fmt.Sprintf("partner-%d/uploads/", i%500),
				Subjects:    []grant.Subject{{Kind: grant.User, Name: fmt.Sprintf("user-%d", i)}, {Kind: grant.Group, Name: fmt.Sprintf("team-%d", i%50)}},
				Permissions: grant.NewPermissions(grant.Read, grant.Write)},
			InEffect: true, Status: accessreview.StatusReady,
		}
	}
	q := accessreview.Query{Bucket: "data", Path: "partner-7/", Permission: grant.Write}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := accessreview.Select(entries, q); err != nil {
			b.Fatal(err)
		}
	}
}
