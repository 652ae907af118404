package keys

import "testing"

// BenchmarkValidateKey measures the check every Decide runs first, on a key
// of a typical depth and length.
func BenchmarkValidateKey(b *testing.B) {
	const key = "partners/acme/invoices/2026/11/invoice-000123.pdf"
	b.ReportAllocs()
	for b.Loop() {
		if err := ValidateKey(key); err != nil {
			b.Fatal(err)
		}
	}
}
