package authz_test

import (
	"slices"
	"testing"

	"github.com/s3am/s3-access-manager/internal/authz"
	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/keys"
)

func TestCanList(t *testing.T) {
	ix := readyIndex(t,
		mkGrant("p", "a-uploads", "partner-a/uploads/", perms(grant.Read, grant.List), user("alice")),
		mkGrant("p", "a-deep", "partner-a/archive/2024/q1/", perms(grant.List), group("partner-a")),
		mkGrant("p", "a-inbox", "partner-a/inbox/", perms(grant.Write), user("alice")),
		mkGrant("p", "a-dotted", "partner-a/uploads-x/", perms(grant.List), user("mallory")),
		mkGrant("p", "b-all", "partner-b/", perms(grant.List), user("bob")),
		mkGrant("p", "whole", "", perms(grant.List), group("auditors")),
	)
	alice := grant.Principal{User: "alice", Groups: []string{"partner-a"}}
	tests := []struct {
		name   string
		p      grant.Principal
		prefix string
		want   authz.ListDecision
	}{
		{"at root", alice, "partner-a/uploads/",
			authz.ListDecision{Allowed: true, Mode: authz.ListFull, Reason: authz.ReasonAllowed, Grant: "p/a-uploads"}},
		{"under root", alice, "partner-a/uploads/2024/",
			authz.ListDecision{Allowed: true, Mode: authz.ListFull, Reason: authz.ReasonAllowed, Grant: "p/a-uploads"}},
		{"bucket root is a breadcrumb", alice, "",
			authz.ListDecision{Allowed: true, Mode: authz.ListBreadcrumb, Reason: authz.ReasonAllowed, Folders: []string{"partner-a/"}}},
		{"parent of two roots", alice, "partner-a/",
			authz.ListDecision{Allowed: true, Mode: authz.ListBreadcrumb, Reason: authz.ReasonAllowed,
				// Not partner-a/inbox/ (no list), not partner-a/uploads-x/ (mallory's).
				Folders: []string{"partner-a/archive/", "partner-a/uploads/"}}},
		{"on the way down", alice, "partner-a/archive/",
			authz.ListDecision{Allowed: true, Mode: authz.ListBreadcrumb, Reason: authz.ReasonAllowed, Folders: []string{"partner-a/archive/2024/"}}},
		{"sibling of root", alice, "partner-a/uploads-x/",
			authz.ListDecision{Reason: authz.ReasonNoGrant}},
		{"sibling of the way down", alice, "partner-a/archive/2023/",
			authz.ListDecision{Reason: authz.ReasonNoGrant}},
		{"other partner", alice, "partner-b/",
			authz.ListDecision{Reason: authz.ReasonNoGrant}},
		{"grant without list", alice, "partner-a/inbox/",
			authz.ListDecision{Reason: authz.ReasonPermissionMissing, Grant: "p/a-inbox"}},
		{"whole bucket", grant.Principal{User: "eve", Groups: []string{"auditors"}}, "",
			authz.ListDecision{Allowed: true, Mode: authz.ListFull, Reason: authz.ReasonAllowed, Grant: "p/whole"}},
		{"whole bucket deep", grant.Principal{User: "eve", Groups: []string{"auditors"}}, "x/y/",
			authz.ListDecision{Allowed: true, Mode: authz.ListFull, Reason: authz.ReasonAllowed, Grant: "p/whole"}},
		{"stranger at root", grant.Principal{User: "nobody"}, "",
			authz.ListDecision{Reason: authz.ReasonNoGrant}},
		{"missing slash", alice, "partner-a/uploads",
			authz.ListDecision{Reason: authz.ReasonInvalidKey, KeyReason: keys.ReasonMissingSlash}},
		{"traversal", alice, "partner-a/uploads/../",
			authz.ListDecision{Reason: authz.ReasonInvalidKey, KeyReason: keys.ReasonDotSegment}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ix.CanList(tt.p, "conn", "data", tt.prefix)
			got.Detail = ""
			if got.Allowed != tt.want.Allowed || got.Mode != tt.want.Mode || got.Reason != tt.want.Reason ||
				got.KeyReason != tt.want.KeyReason || got.Grant != tt.want.Grant || !slices.Equal(got.Folders, tt.want.Folders) {
				t.Fatalf("CanList(%q) = %+v, want %+v", tt.prefix, got, tt.want)
			}
		})
	}
}

func TestCanListUnknownConnection(t *testing.T) {
	ix := readyIndex(t, mkGrant("p", "g", "", perms(grant.List), user("alice")))
	if d := ix.CanList(grant.Principal{User: "alice"}, "elsewhere", "data", ""); d.Allowed || d.Reason != authz.ReasonUnknownConnection {
		t.Fatalf("CanList = %+v", d)
	}
}
