package authz_test

import (
	"testing"

	"github.com/s3am/s3-access-manager/internal/authz"
	"github.com/s3am/s3-access-manager/internal/grant"
)

func TestDecideDoesNotAllocate(t *testing.T) {
	ix := readyIndex(t,
		mkGrant("ns", "user", "partner-a/uploads/", perms(grant.Read), user("alice")),
		mkGrant("ns", "group", "partner-a/", perms(grant.Write), group("g2")),
		mkGrant("ns", "whole", "", perms(grant.List), group("g3")),
	)
	p := grant.Principal{User: "alice", Groups: []string{"g1", "g2", "g3", "g4"}}
	tests := []struct {
		name string
		perm grant.Permission
		conn string
		bkt  string
		key  string
		want authz.Reason
	}{
		{"allowed by user grant", grant.Read, "conn", "data", "partner-a/uploads/2024/report.pdf", authz.ReasonAllowed},
		{"allowed by group grant", grant.Write, "conn", "data", "partner-a/uploads/2024/report.pdf", authz.ReasonAllowed},
		{"allowed by whole bucket", grant.List, "conn", "data", "x/y/z", authz.ReasonAllowed},
		{"permission missing", grant.Delete, "conn", "data", "partner-a/uploads/x", authz.ReasonPermissionMissing},
		{"no grant", grant.Read, "conn", "other", "partner-a/uploads/x", authz.ReasonNoGrant},
		{"unknown connection", grant.Read, "other", "data", "partner-a/uploads/x", authz.ReasonUnknownConnection},
	}
	for _, tt := range tests {
		var d authz.Decision
		n := testing.AllocsPerRun(200, func() { d = ix.Decide(p, tt.perm, tt.conn, tt.bkt, tt.key) })
		if d.Reason != tt.want {
			t.Errorf("%s: reason %s, want %s", tt.name, d.Reason, tt.want)
		}
		if n != 0 {
			t.Errorf("%s: Decide allocates %.1f times per call", tt.name, n)
		}
	}
}
