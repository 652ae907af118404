package authz_test

import (
	"testing"

	"github.com/s3am/s3-access-manager/internal/authz"
	"github.com/s3am/s3-access-manager/internal/grant"
)

// TestVersionCountsChanges: writers that change nothing leave Version alone,
// so that callers may skip work (dropping scoped credentials) after them.
func TestVersionCountsChanges(t *testing.T) {
	ix := authz.New()
	steps := []struct {
		what    string
		do      func()
		changes bool
	}{
		{"connection becomes ready", func() { ix.SetConnectionReady("c", true) }, true},
		{"connection ready again", func() { ix.SetConnectionReady("c", true) }, false},
		{"grant added", func() {
			if err := ix.Upsert(mkGrant("ns", "g", "a/", grant.NewPermissions(grant.Read), user("alice"))); err != nil {
				t.Fatal(err)
			}
		}, true},
		{"absent grant deleted", func() { ix.Delete("ns", "other") }, false},
		{"grant deleted", func() { ix.Delete("ns", "g") }, true},
		{"synced", ix.MarkSynced, true},
		{"synced again", ix.MarkSynced, false},
	}
	for _, s := range steps {
		before := ix.Version()
		s.do()
		if changed := ix.Version() != before; changed != s.changes {
			t.Errorf("%s: version changed = %v, want %v", s.what, changed, s.changes)
		}
	}
}
