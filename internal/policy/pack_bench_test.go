package policy

import (
	"fmt"
	"testing"

	"github.com/s3am/s3-access-manager/internal/grant"
)

// BenchmarkConnectionPolicy generates and packs the connection policy of one
// connection with 100, 1,000 and 10,000 grants on distinct partner prefixes
// (half write+list on uploads/, half read+list, some delete, on processed/).
//
// The limit is the managed-policy document size (6,144 characters) with no
// cap on the number of documents: 10,000 distinct prefixes cannot fit the
// 10,240 characters of inline policies nor the default 10 managed policies of
// a role, so the benchmark measures the packer's full work and reports what
// the policy would need. fits-10-managed reports whether the result fits
// ManagedPolicyLimit (1) or would be refused with a TooLargeError (0).
func BenchmarkConnectionPolicy(b *testing.B) {
	limit := Limit{Name: "managed policy (any count)", PerDocument: ManagedPolicyLimit.PerDocument}
	conn := Connection{Name: seedConnection, KMSKeyARN: seedKMSKey}
	for _, n := range []int{100, 1000, 10000} {
		gs := realisticGrants(n)
		b.Run(fmt.Sprintf("grants=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			var docs []Document
			for b.Loop() {
				var err error
				docs, err = ConnectionPolicy(conn, gs, limit)
				if err != nil {
					b.Fatal(err)
				}
			}
			total := 0
			for _, d := range docs {
				js, err := d.JSON()
				if err != nil {
					b.Fatal(err)
				}
				total += Size(js)
			}
			fits := 0.0
			if len(docs) <= ManagedPolicyLimit.MaxDocuments {
				fits = 1
			}
			b.ReportMetric(float64(len(docs)), "docs")
			b.ReportMetric(float64(total)/float64(len(docs)), "chars/doc")
			b.ReportMetric(float64(total), "chars")
			b.ReportMetric(fits, "fits-10-managed")
		})
	}
}

// BenchmarkSessionPolicyFor generates the session policy of one principal
// among 10,000 grants, as the server does for each partner session.
func BenchmarkSessionPolicyFor(b *testing.B) {
	conn := Connection{Name: seedConnection, KMSKeyARN: seedKMSKey}
	gs := realisticGrants(10000)
	p := grant.Principal{User: "someone@partner-01234.example.com", Groups: []string{"partner-01234"}}
	b.ReportAllocs()
	var d Document
	for b.Loop() {
		var err error
		if d, err = SessionPolicyFor(conn, gs, p); err != nil {
			b.Fatal(err)
		}
	}
	js, err := d.JSON()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(len(js)), "chars")
}
