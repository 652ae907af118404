package authz_test

import (
	"testing"

	"github.com/s3am/s3-access-manager/internal/authz"
	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/keys"
)

func TestDecide(t *testing.T) {
	ix := readyIndex(t,
		mkGrant("partners", "a-uploads", "partner-a/uploads/", perms(grant.Read, grant.Write, grant.List), user("alice")),
		mkGrant("partners", "a-reports", "partner-a/reports/", perms(grant.Read), user("alice")),
		mkGrant("partners", "b-all", "partner-b/", perms(grant.Read, grant.List), group("partner-b")),
		// A group that shares alice's name must not reach alice.
		mkGrant("partners", "group-alice", "secret/", perms(grant.Read), group("alice")),
		mkGrant("ops", "auditors", "", perms(grant.Read, grant.List), group("auditors")),
		mkGrant("partners", "c-inbox", "partner-c/inbox/", perms(grant.Write), user("carol"), group("partner-c")),
	)
	alice := grant.Principal{User: "alice"}
	bob := grant.Principal{User: "bob", Groups: []string{"staff", "partner-b"}}
	auditor := grant.Principal{User: "eve", Groups: []string{"auditors"}}
	tests := []struct {
		name      string
		p         grant.Principal
		perm      grant.Permission
		conn, bkt string
		key       string
		want      authz.Decision
	}{
		{"allowed", alice, grant.Read, "conn", "data", "partner-a/uploads/report.pdf",
			authz.Decision{Allowed: true, Reason: authz.ReasonAllowed, Grant: "partners/a-uploads"}},
		{"allowed deep", alice, grant.Write, "conn", "data", "partner-a/uploads/2024/q1/x.csv",
			authz.Decision{Allowed: true, Reason: authz.ReasonAllowed, Grant: "partners/a-uploads"}},
		{"sibling prefix", alice, grant.Read, "conn", "data", "partner-a/uploads-evil/x",
			authz.Decision{Reason: authz.ReasonNoGrant}},
		{"sibling without slash", alice, grant.Read, "conn", "data", "partner-a/uploadsx",
			authz.Decision{Reason: authz.ReasonNoGrant}},
		{"root itself as object", alice, grant.Read, "conn", "data", "partner-a/uploads",
			authz.Decision{Reason: authz.ReasonNoGrant}},
		{"parent of root", alice, grant.Read, "conn", "data", "partner-a/x",
			authz.Decision{Reason: authz.ReasonNoGrant}},
		{"case differs", alice, grant.Read, "conn", "data", "Partner-A/uploads/x",
			authz.Decision{Reason: authz.ReasonNoGrant}},
		{"division slash look-alike", alice, grant.Read, "conn", "data", "partner-a\u2215uploads/x",
			authz.Decision{Reason: authz.ReasonNoGrant}},
		{"fullwidth solidus look-alike", alice, grant.Read, "conn", "data", "partner-a/uploads\uff0fx",
			authz.Decision{Reason: authz.ReasonNoGrant}},
		{"cyrillic a", alice, grant.Read, "conn", "data", "p\u0430rtner-a/uploads/x",
			authz.Decision{Reason: authz.ReasonNoGrant}},
		{"traversal out of root", alice, grant.Read, "conn", "data", "partner-a/uploads/../reports/x",
			authz.Decision{Reason: authz.ReasonInvalidKey, KeyReason: keys.ReasonDotSegment}},
		{"encoded traversal", alice, grant.Read, "conn", "data", "partner-a/uploads/..%2f..%2fx",
			authz.Decision{Reason: authz.ReasonInvalidKey, KeyReason: keys.ReasonEncodedSeparator}},
		{"backslash", alice, grant.Read, "conn", "data", "partner-a/uploads\\..\\x",
			authz.Decision{Reason: authz.ReasonInvalidKey, KeyReason: keys.ReasonBackslash}},
		{"nul", alice, grant.Read, "conn", "data", "partner-a/uploads/x\x00.pdf",
			authz.Decision{Reason: authz.ReasonInvalidKey, KeyReason: keys.ReasonControlCharacter}},
		{"invalid key on unknown connection", alice, grant.Read, "nope", "data", "a//b",
			authz.Decision{Reason: authz.ReasonInvalidKey, KeyReason: keys.ReasonEmptySegment}},
		{"permission missing", alice, grant.Write, "conn", "data", "partner-a/reports/r.pdf",
			authz.Decision{Reason: authz.ReasonPermissionMissing, Grant: "partners/a-reports"}},
		{"delete missing", alice, grant.Delete, "conn", "data", "partner-a/uploads/r.pdf",
			authz.Decision{Reason: authz.ReasonPermissionMissing, Grant: "partners/a-uploads"}},
		{"other bucket", alice, grant.Read, "conn", "other", "partner-a/uploads/r.pdf",
			authz.Decision{Reason: authz.ReasonNoGrant}},
		{"unknown connection", alice, grant.Read, "other-conn", "data", "partner-a/uploads/r.pdf",
			authz.Decision{Reason: authz.ReasonUnknownConnection}},
		{"group grant", bob, grant.Read, "conn", "data", "partner-b/x",
			authz.Decision{Allowed: true, Reason: authz.ReasonAllowed, Grant: "partners/b-all"}},
		{"group grant lacks permission", bob, grant.Write, "conn", "data", "partner-b/x",
			authz.Decision{Reason: authz.ReasonPermissionMissing, Grant: "partners/b-all"}},
		{"user is not a group of that name", alice, grant.Read, "conn", "data", "secret/x",
			authz.Decision{Reason: authz.ReasonNoGrant}},
		{"group is not a user of that name", grant.Principal{User: "partner-b"}, grant.Read, "conn", "data", "partner-b/x",
			authz.Decision{Reason: authz.ReasonNoGrant}},
		{"whole bucket", auditor, grant.Read, "conn", "data", "anything/at/all",
			authz.Decision{Allowed: true, Reason: authz.ReasonAllowed, Grant: "ops/auditors"}},
		{"whole bucket top level", auditor, grant.List, "conn", "data", "x",
			authz.Decision{Allowed: true, Reason: authz.ReasonAllowed, Grant: "ops/auditors"}},
		{"user and group subject", grant.Principal{User: "dan", Groups: []string{"partner-c"}}, grant.Write, "conn", "data", "partner-c/inbox/x",
			authz.Decision{Allowed: true, Reason: authz.ReasonAllowed, Grant: "partners/c-inbox"}},
		{"anonymous", grant.Principal{}, grant.Read, "conn", "data", "partner-a/uploads/x",
			authz.Decision{Reason: authz.ReasonNoGrant}},
		{"empty group name", grant.Principal{Groups: []string{""}}, grant.Read, "conn", "data", "partner-b/x",
			authz.Decision{Reason: authz.ReasonNoGrant}},
		{"no permission", alice, 0, "conn", "data", "partner-a/uploads/x",
			authz.Decision{Reason: authz.ReasonInvalidPermission}},
		{"two permissions at once", alice, grant.Read | grant.Write, "conn", "data", "partner-a/uploads/x",
			authz.Decision{Reason: authz.ReasonInvalidPermission}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ix.Decide(tt.p, tt.perm, tt.conn, tt.bkt, tt.key)
			got.Detail = ""
			if got != tt.want {
				t.Fatalf("Decide = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestDecideInvalidKeyExplains(t *testing.T) {
	ix := readyIndex(t)
	d := ix.Decide(grant.Principal{User: "alice"}, grant.Read, "conn", "data", "a/../b")
	if d.Allowed || d.Reason != authz.ReasonInvalidKey || d.KeyReason != keys.ReasonDotSegment || d.Detail == "" {
		t.Fatalf("Decide = %+v, want an explained DotSegment refusal", d)
	}
}

func TestDecidingGrantIsDeterministic(t *testing.T) {
	p := grant.Principal{User: "alice", Groups: []string{"g1", "g2"}}
	tests := []struct {
		name   string
		grants []grant.Grant
		perm   grant.Permission
		want   authz.Decision
	}{
		{"same root: smaller name", []grant.Grant{
			mkGrant("ns", "b", "x/", perms(grant.Read), user("alice")),
			mkGrant("ns", "a", "x/", perms(grant.Read), user("alice")),
		}, grant.Read, authz.Decision{Allowed: true, Reason: authz.ReasonAllowed, Grant: "ns/a"}},
		{"same root: smaller namespace first", []grant.Grant{
			mkGrant("ns-b", "a", "x/", perms(grant.Read), group("g2")),
			mkGrant("ns", "z", "x/", perms(grant.Read), group("g1")),
		}, grant.Read, authz.Decision{Allowed: true, Reason: authz.ReasonAllowed, Grant: "ns/z"}},
		{"namespace/name order, not id string order", []grant.Grant{
			// As strings "a-b/x" < "a/x", but namespace "a" < "a-b".
			mkGrant("a-b", "x", "x/", perms(grant.Read), user("alice")),
			mkGrant("a", "x", "x/", perms(grant.Read), group("g1")),
		}, grant.Read, authz.Decision{Allowed: true, Reason: authz.ReasonAllowed, Grant: "a/x"}},
		{"longest root wins over name", []grant.Grant{
			mkGrant("ns", "a", "x/", perms(grant.Read), user("alice")),
			mkGrant("ns", "z", "x/y/", perms(grant.Read), group("g2")),
		}, grant.Read, authz.Decision{Allowed: true, Reason: authz.ReasonAllowed, Grant: "ns/z"}},
		{"longest root with the permission", []grant.Grant{
			mkGrant("ns", "outer", "x/", perms(grant.Write), user("alice")),
			mkGrant("ns", "inner", "x/y/", perms(grant.Read), user("alice")),
		}, grant.Write, authz.Decision{Allowed: true, Reason: authz.ReasonAllowed, Grant: "ns/outer"}},
		{"same root, only one has the permission", []grant.Grant{
			mkGrant("ns", "a", "x/y/", perms(grant.Read), user("alice")),
			mkGrant("ns", "b", "x/y/", perms(grant.Write), group("g1")),
		}, grant.Write, authz.Decision{Allowed: true, Reason: authz.ReasonAllowed, Grant: "ns/b"}},
		{"missing permission names the longest cover", []grant.Grant{
			mkGrant("ns", "a", "x/", perms(grant.Read), user("alice")),
			mkGrant("ns", "b", "x/y/", perms(grant.List), group("g1")),
			mkGrant("ns", "c", "x/y/", perms(grant.Read), group("g2")),
		}, grant.Delete, authz.Decision{Reason: authz.ReasonPermissionMissing, Grant: "ns/b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Every insertion order gives the same answer.
			for _, order := range [][]int{{0, 1, 2}, {2, 1, 0}, {1, 2, 0}} {
				var gs []grant.Grant
				for _, i := range order {
					if i < len(tt.grants) {
						gs = append(gs, tt.grants[i])
					}
				}
				ix := readyIndex(t, gs...)
				if got := ix.Decide(p, tt.perm, "conn", "data", "x/y/z"); got != tt.want {
					t.Fatalf("order %v: Decide = %+v, want %+v", order, got, tt.want)
				}
				inc := readyIndex(t)
				for _, g := range gs {
					if err := inc.Upsert(g); err != nil {
						t.Fatal(err)
					}
				}
				if got := inc.Decide(p, tt.perm, "conn", "data", "x/y/z"); got != tt.want {
					t.Fatalf("order %v, incremental: Decide = %+v, want %+v", order, got, tt.want)
				}
			}
		})
	}
}

func TestNotSyncedDeniesEverything(t *testing.T) {
	ix := authz.New()
	if err := ix.Replace([]grant.Grant{mkGrant("ns", "g", "", perms(grant.Read, grant.List), user("alice"))}); err != nil {
		t.Fatal(err)
	}
	ix.SetConnectionReady("conn", true)
	alice := grant.Principal{User: "alice"}
	if ix.Synced() {
		t.Fatal("Synced before MarkSynced")
	}
	for _, key := range []string{"x", "a/../b", ""} {
		if d := ix.Decide(alice, grant.Read, "conn", "data", key); d != (authz.Decision{Reason: authz.ReasonNotSynced}) {
			t.Errorf("Decide(%q) before sync = %+v", key, d)
		}
	}
	if d := ix.CanList(alice, "conn", "data", ""); d.Allowed || d.Reason != authz.ReasonNotSynced {
		t.Errorf("CanList before sync = %+v", d)
	}
	if r := ix.Roots(alice); r != nil {
		t.Errorf("Roots before sync = %+v", r)
	}
	ix.MarkSynced()
	if !ix.Synced() {
		t.Fatal("not Synced after MarkSynced")
	}
	if d := ix.Decide(alice, grant.Read, "conn", "data", "x"); !d.Allowed {
		t.Errorf("Decide after sync = %+v", d)
	}
}

func TestConnectionStates(t *testing.T) {
	ix := readyIndex(t, mkGrant("ns", "g", "a/", perms(grant.Read), user("alice")))
	alice := grant.Principal{User: "alice"}
	decide := func() authz.Reason { return ix.Decide(alice, grant.Read, "conn", "data", "a/x").Reason }
	if r := decide(); r != authz.ReasonAllowed {
		t.Fatalf("ready: %s", r)
	}
	ix.SetConnectionReady("conn", false)
	if r := decide(); r != authz.ReasonConnectionNotReady {
		t.Fatalf("suspended: %s", r)
	}
	if d := ix.CanList(alice, "conn", "data", "a/"); d.Allowed || d.Reason != authz.ReasonConnectionNotReady {
		t.Fatalf("suspended listing: %+v", d)
	}
	if roots := ix.Roots(alice); len(roots) != 1 || roots[0].ConnectionReady {
		t.Fatalf("suspended roots: %+v", roots)
	}
	ix.SetConnectionReady("conn", true)
	if r := decide(); r != authz.ReasonAllowed {
		t.Fatalf("resumed: %s", r)
	}
	ix.RemoveConnection("conn")
	if r := decide(); r != authz.ReasonUnknownConnection {
		t.Fatalf("removed: %s", r)
	}
}
