package authz_test

import (
	"testing"

	"github.com/s3am/s3-access-manager/internal/authz"
	"github.com/s3am/s3-access-manager/internal/grant"
)

func user(name string) grant.Subject  { return grant.Subject{Kind: grant.User, Name: name} }
func group(name string) grant.Subject { return grant.Subject{Kind: grant.Group, Name: name} }

func perms(ps ...grant.Permission) grant.Permissions { return grant.NewPermissions(ps...) }

// mkGrant builds a grant on connection "conn", bucket "data".
func mkGrant(ns, name, prefix string, ps grant.Permissions, subjects ...grant.Subject) grant.Grant {
	return grant.Grant{
		Namespace: ns, Name: name,
		Connection: "conn", Bucket: "data",
		Prefix: prefix, Permissions: ps, Subjects: subjects,
	}
}

// readyIndex returns a synced index with connection "conn" ready and grants
// installed.
func readyIndex(t testing.TB, grants ...grant.Grant) *authz.Index {
	t.Helper()
	ix := authz.New()
	if err := ix.Replace(grants); err != nil {
		t.Fatalf("Replace: %v", err)
	}
	ix.SetConnectionReady("conn", true)
	ix.MarkSynced()
	return ix
}
