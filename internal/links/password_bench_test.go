package links

import (
	"context"
	"testing"
)

// BenchmarkVerifyPassword measures one password check: what a guess costs
// the server (and an attacker who stole the hash).
func BenchmarkVerifyPassword(b *testing.B) {
	ctx := context.Background()
	h, err := HashPassword(ctx, "correct horse battery")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if ok, err := VerifyPassword(ctx, h, "wrong guess 1"); ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}
