package authz_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/s3am/s3-access-manager/internal/authz"
	"github.com/s3am/s3-access-manager/internal/grant"
)

// TestDecideUploadCarriesTheLimits: the upload limits come with the
// decision, from the grant that decided, so the server never reads the
// PrefixGrant back.
func TestDecideUploadCarriesTheLimits(t *testing.T) {
	until := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	outer := mkGrant("ns", "outer", "partner-a/", perms(grant.Write), group("partners"))
	outer.MaxObjectSize = 5 << 30
	inner := mkGrant("ns", "inner", "partner-a/uploads/", perms(grant.Write, grant.Read), user("alice"))
	inner.MaxObjectSize = 1 << 20
	inner.AllowedContentTypes = []string{"application/pdf", "image/*"}
	inner.ValidUntil = until
	readOnly := mkGrant("ns", "read-only", "partner-b/", perms(grant.Read), user("alice"))
	ix := readyIndex(t, outer, inner, readOnly)
	alice := grant.Principal{User: "alice", Groups: []string{"partners"}}

	tests := []struct {
		key  string
		want authz.UploadLimits
	}{
		{"partner-a/uploads/x.pdf", authz.UploadLimits{Grant: "ns/inner", MaxObjectSize: 1 << 20,
			AllowedContentTypes: []string{"application/pdf", "image/*"}, ValidUntil: until}},
		{"partner-a/other/x.bin", authz.UploadLimits{Grant: "ns/outer", MaxObjectSize: 5 << 30}},
		{"partner-b/x.bin", authz.UploadLimits{}},
		{"nowhere/x.bin", authz.UploadLimits{}},
		{"partner-a/../x", authz.UploadLimits{}},
	}
	for _, tt := range tests {
		d, l := ix.DecideUpload(alice, "conn", "data", tt.key)
		if want := ix.Decide(alice, grant.Write, "conn", "data", tt.key); d != want {
			t.Errorf("%s: DecideUpload decides %+v, Decide %+v", tt.key, d, want)
		}
		if !reflect.DeepEqual(l, tt.want) {
			t.Errorf("%s: limits %+v, want %+v", tt.key, l, tt.want)
		}
	}

	// A change of the limits reaches the next decision.
	inner.MaxObjectSize = 10
	inner.AllowedContentTypes = nil
	if err := ix.Upsert(inner); err != nil {
		t.Fatal(err)
	}
	if _, l := ix.DecideUpload(alice, "conn", "data", "partner-a/uploads/x.pdf"); l.MaxObjectSize != 10 || l.AllowedContentTypes != nil {
		t.Errorf("after the change: %+v", l)
	}
	ix.Delete("ns", "inner")
	if d, l := ix.DecideUpload(alice, "conn", "data", "partner-a/uploads/x.pdf"); d.Grant != "ns/outer" || l.Grant != "ns/outer" {
		t.Errorf("after deleting the inner grant: %+v %+v", d, l)
	}

	n := testing.AllocsPerRun(200, func() { ix.DecideUpload(alice, "conn", "data", "partner-a/other/x.bin") })
	if n != 0 {
		t.Errorf("DecideUpload allocates %.1f times per call", n)
	}
}

// TestGrantsOf: a principal's grants come from the index, each once, whole,
// and nobody else's.
func TestGrantsOf(t *testing.T) {
	both := mkGrant("ns", "both", "shared/", perms(grant.Read, grant.List), user("alice"), group("partners"))
	both.MaxObjectSize = 7
	both.AllowedContentTypes = []string{"text/csv"}
	both.ValidUntil = time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)
	mine := mkGrant("a", "mine", "alice/", perms(grant.Write), user("alice"))
	other := mkGrant("b", "other", "other/", perms(grant.Read), user("bob"))
	elsewhere := mkGrant("c", "elsewhere", "x/", perms(grant.Read), group("partners"))
	elsewhere.Connection, elsewhere.Bucket = "archive", "old"
	ix := authz.New()
	if got := ix.GrantsOf(grant.Principal{User: "alice"}); got != nil {
		t.Fatalf("before sync: %+v", got)
	}
	if err := ix.Replace([]grant.Grant{both, mine, other, elsewhere}); err != nil {
		t.Fatal(err)
	}
	ix.MarkSynced()
	got := ix.GrantsOf(grant.Principal{User: "alice", Groups: []string{"partners", ""}})
	want := []grant.Grant{mine, elsewhere, both}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("GrantsOf:\n got %+v\nwant %+v", got, want)
	}
	got[2].AllowedContentTypes[0] = "changed"
	if again := ix.GrantsOf(grant.Principal{User: "alice"}); again[1].AllowedContentTypes[0] != "text/csv" {
		t.Errorf("a caller's change reached the index: %+v", again)
	}
	if got := ix.GrantsOf(grant.Principal{User: "carol"}); len(got) != 0 {
		t.Errorf("carol: %+v", got)
	}
}
