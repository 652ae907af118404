package authz_test

import (
	"reflect"
	"testing"

	"github.com/s3am/s3-access-manager/internal/authz"
	"github.com/s3am/s3-access-manager/internal/grant"
)

func TestRoots(t *testing.T) {
	other := mkGrant("p", "z-other", "b/", perms(grant.Read), user("alice"))
	other.Connection, other.Bucket = "archive", "old"
	ix := readyIndex(t,
		mkGrant("p", "b-read", "a/", perms(grant.Read), user("alice")),
		mkGrant("p", "a-write", "a/", perms(grant.Write), group("team")),
		mkGrant("p", "both", "a/", perms(grant.List), user("alice"), group("team")),
		mkGrant("p", "nested", "a/b/", perms(grant.Delete), group("team")),
		mkGrant("p", "whole", "", perms(grant.List), group("team")),
		mkGrant("p", "not-mine", "c/", perms(grant.Read), user("bob")),
		other,
	)
	got := ix.Roots(grant.Principal{User: "alice", Groups: []string{"team", "unknown"}})
	want := []authz.Root{
		{Connection: "archive", Bucket: "old", Prefix: "b/", Permissions: perms(grant.Read), Grants: []string{"p/z-other"}},
		{Connection: "conn", Bucket: "data", Prefix: "", Permissions: perms(grant.List), Grants: []string{"p/whole"}, ConnectionReady: true},
		{Connection: "conn", Bucket: "data", Prefix: "a/", Permissions: perms(grant.Read, grant.Write, grant.List),
			Grants: []string{"p/a-write", "p/b-read", "p/both"}, ConnectionReady: true},
		{Connection: "conn", Bucket: "data", Prefix: "a/b/", Permissions: perms(grant.Delete), Grants: []string{"p/nested"}, ConnectionReady: true},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Roots =\n%+v\nwant\n%+v", got, want)
	}
	if r := ix.Roots(grant.Principal{User: "nobody"}); len(r) != 0 {
		t.Fatalf("Roots of a stranger = %+v", r)
	}
}
