package authz_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/s3am/s3-access-manager/internal/authz"
	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/keys"
)

func TestUpsertRefusesMalformedGrants(t *testing.T) {
	good := mkGrant("ns", "g", "partner-a/uploads/", perms(grant.Read), user("alice"))
	bad := map[string]grant.Grant{}
	for name, mutate := range map[string]func(*grant.Grant){
		"prefix without slash": func(g *grant.Grant) { g.Prefix = "partner-a/uploads" },
		"traversal prefix":     func(g *grant.Grant) { g.Prefix = "partner-a/../" },
		"bad bucket":           func(g *grant.Grant) { g.Bucket = "Data" },
		"no connection":        func(g *grant.Grant) { g.Connection = "" },
		"unknown subject kind": func(g *grant.Grant) { g.Subjects = []grant.Subject{{Kind: "ServiceAccount", Name: "alice"}} },
		"empty subject name":   func(g *grant.Grant) { g.Subjects = []grant.Subject{user("")} },
	} {
		g := good
		g.Subjects = slices.Clone(good.Subjects)
		mutate(&g)
		bad[name] = g
	}
	alice := grant.Principal{User: "alice"}
	for name, g := range bad {
		t.Run(name, func(t *testing.T) {
			ix := readyIndex(t, good)
			if d := ix.Decide(alice, grant.Read, "conn", "data", "partner-a/uploads/x"); !d.Allowed {
				t.Fatalf("good grant does not allow: %+v", d)
			}
			if err := ix.Upsert(g); err == nil {
				t.Fatal("Upsert accepted a malformed grant")
			}
			// The previous version is gone: fail closed.
			if d := ix.Decide(alice, grant.Read, "conn", "data", "partner-a/uploads/x"); d.Allowed {
				t.Fatalf("previous version still allows: %+v", d)
			}
			if ix.Len() != 0 {
				t.Fatalf("Len = %d after refusing the only grant", ix.Len())
			}
			if err := authz.New().Replace([]grant.Grant{good, g}); err == nil {
				t.Fatal("Replace did not report a malformed grant")
			}
		})
	}
}

func TestReplaceKeepsValidGrants(t *testing.T) {
	ix := authz.New()
	bad := mkGrant("ns", "bad", "x", perms(grant.Read), user("alice"))
	err := ix.Replace([]grant.Grant{bad, mkGrant("ns", "good", "x/", perms(grant.Read), user("alice"))})
	var ke *keys.Error
	if err == nil || !errors.As(err, &ke) || ke.Reason != keys.ReasonMissingSlash {
		t.Fatalf("Replace error = %v, want the keys refusal wrapped", err)
	}
	ix.SetConnectionReady("conn", true)
	ix.MarkSynced()
	if d := ix.Decide(grant.Principal{User: "alice"}, grant.Read, "conn", "data", "x/y"); !d.Allowed {
		t.Fatalf("valid grant lost: %+v", d)
	}
	if ix.Len() != 1 {
		t.Fatalf("Len = %d, want 1", ix.Len())
	}
}

func TestUpsertMovesAndDeleteRemoves(t *testing.T) {
	ix := readyIndex(t, mkGrant("ns", "g", "a/", perms(grant.Read), user("alice")))
	alice := grant.Principal{User: "alice"}
	bob := grant.Principal{User: "bob"}
	moved := mkGrant("ns", "g", "b/", perms(grant.Read), user("bob"))
	if err := ix.Upsert(moved); err != nil {
		t.Fatal(err)
	}
	if d := ix.Decide(alice, grant.Read, "conn", "data", "a/x"); d.Allowed {
		t.Fatalf("old subject/prefix still allowed: %+v", d)
	}
	if d := ix.Decide(bob, grant.Read, "conn", "data", "b/x"); !d.Allowed {
		t.Fatalf("moved grant does not allow: %+v", d)
	}
	ix.Delete("ns", "g")
	ix.Delete("ns", "never-existed")
	if d := ix.Decide(bob, grant.Read, "conn", "data", "b/x"); d.Reason != authz.ReasonNoGrant {
		t.Fatalf("deleted grant: %+v", d)
	}
	if got := ix.Roots(bob); len(got) != 0 {
		t.Fatalf("Roots after delete = %+v", got)
	}
}

// TestIncrementalMatchesRebuildAndOracle applies random grant changes through
// Upsert/Delete and checks, after each, that the index decides exactly like a
// fresh Replace of the same grants and like a brute-force reading of the rules.
func TestIncrementalMatchesRebuildAndOracle(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	w := newWorld(rng)
	inc := authz.New()
	inc.SetConnectionReady("c1", true)
	inc.SetConnectionReady("c2", true)
	inc.SetConnectionReady("c3", false)
	inc.MarkSynced()
	live := map[string]grant.Grant{}
	for step := 0; step < 400; step++ {
		if len(live) > 0 && rng.IntN(4) == 0 {
			ids := sortedKeys(live)
			id := ids[rng.IntN(len(ids))]
			g := live[id]
			inc.Delete(g.Namespace, g.Name)
			delete(live, id)
		} else {
			g := w.grant()
			if err := inc.Upsert(g); err != nil {
				t.Fatalf("step %d: Upsert(%+v): %v", step, g, err)
			}
			live[g.ID()] = g
		}
		all := make([]grant.Grant, 0, len(live))
		for _, id := range sortedKeys(live) {
			all = append(all, live[id])
		}
		full := authz.New()
		if err := full.Replace(all); err != nil {
			t.Fatal(err)
		}
		full.SetConnectionReady("c1", true)
		full.SetConnectionReady("c2", true)
		full.SetConnectionReady("c3", false)
		full.MarkSynced()
		if inc.Len() != len(live) || full.Len() != len(live) {
			t.Fatalf("step %d: Len = %d/%d, want %d", step, inc.Len(), full.Len(), len(live))
		}
		for q := 0; q < 60; q++ {
			p, perm, conn, bucket, key := w.query()
			got := inc.Decide(p, perm, conn, bucket, key)
			if again := full.Decide(p, perm, conn, bucket, key); got != again {
				t.Fatalf("step %d: %v %v %s/%s/%s: incremental %+v, rebuilt %+v", step, p, perm, conn, bucket, key, got, again)
			}
			if want := oracleDecide(all, p, perm, conn, bucket, key); got.Allowed != want.Allowed || got.Reason != want.Reason || got.Grant != want.Grant {
				t.Fatalf("step %d: %v %v %s/%s/%s: index %+v, oracle %+v", step, p, perm, conn, bucket, key, got, want)
			}
			prefix := w.listPrefix()
			a, b := inc.CanList(p, conn, bucket, prefix), full.CanList(p, conn, bucket, prefix)
			if fmt.Sprint(a) != fmt.Sprint(b) {
				t.Fatalf("step %d: CanList(%q): incremental %+v, rebuilt %+v", step, prefix, a, b)
			}
			if want := oracleList(all, p, conn, bucket, prefix); a.Allowed != want.Allowed || a.Mode != want.Mode ||
				a.Grant != want.Grant && a.Mode == authz.ListFull || !slices.Equal(a.Folders, want.Folders) {
				t.Fatalf("step %d: %v CanList(%s/%s/%q): index %+v, oracle %+v", step, p, conn, bucket, prefix, a, want)
			}
		}
		for _, p := range w.principals {
			if a, b := inc.Roots(p), full.Roots(p); fmt.Sprint(a) != fmt.Sprint(b) {
				t.Fatalf("step %d: Roots(%v): incremental %+v, rebuilt %+v", step, p, a, b)
			}
		}
	}
}

// world draws grants and requests from small alphabets so that prefixes,
// subjects and names collide often.
type world struct {
	rng        *rand.Rand
	principals []grant.Principal
}

var segments = []string{"a", "b", "ab", "a-b", "a.b", "a\u2215b"}

func newWorld(rng *rand.Rand) *world {
	return &world{rng: rng, principals: []grant.Principal{
		{User: "u1"}, {User: "u2", Groups: []string{"g1"}}, {User: "u3", Groups: []string{"g1", "g2"}},
		{User: "g1"}, {User: "u4", Groups: []string{"u1", "g3"}},
	}}
}

func (w *world) pick(xs ...string) string { return xs[w.rng.IntN(len(xs))] }

func (w *world) path(maxDepth int) string {
	var p string
	for range w.rng.IntN(maxDepth + 1) {
		p += w.pick(segments...) + "/"
	}
	return p
}

func (w *world) grant() grant.Grant {
	var subjects []grant.Subject
	for range 1 + w.rng.IntN(2) {
		if w.rng.IntN(2) == 0 {
			subjects = append(subjects, user(w.pick("u1", "u2", "u3", "g1")))
		} else {
			subjects = append(subjects, group(w.pick("g1", "g2", "g3", "u1")))
		}
	}
	return grant.Grant{
		Namespace: w.pick("ns", "ns-a", "a"), Name: w.pick("n1", "n2", "n3", "n4", "n5", "n6"),
		Connection: w.pick("c1", "c2", "c3"), Bucket: w.pick("bk1", "bk2"),
		Prefix: w.path(3), Permissions: grant.Permissions(w.rng.IntN(16)), Subjects: subjects,
	}
}

func (w *world) query() (grant.Principal, grant.Permission, string, string, string) {
	key := w.path(4) + w.pick("f", "a", "ab")
	if w.rng.IntN(20) == 0 {
		key = w.pick("a/../b", "a//b", "/a", "a/", "")
	}
	return w.principals[w.rng.IntN(len(w.principals))], grant.AllPermissions[w.rng.IntN(4)],
		w.pick("c1", "c2", "c3", "c4"), w.pick("bk1", "bk2"), key
}

func (w *world) listPrefix() string { return w.path(4) }

// oracleDecide reads the rules off the grant list with no index at all.
func oracleDecide(grants []grant.Grant, p grant.Principal, perm grant.Permission, conn, bucket, key string) authz.Decision {
	if keys.ValidateKey(key) != nil {
		return authz.Decision{Reason: authz.ReasonInvalidKey}
	}
	switch conn {
	case "c3":
		return authz.Decision{Reason: authz.ReasonConnectionNotReady}
	case "c4":
		return authz.Decision{Reason: authz.ReasonUnknownConnection}
	}
	var allow, cover *grant.Grant
	better := func(g, cur *grant.Grant) bool {
		if cur == nil || len(g.Prefix) != len(cur.Prefix) {
			return cur == nil || len(g.Prefix) > len(cur.Prefix)
		}
		if g.Namespace != cur.Namespace {
			return g.Namespace < cur.Namespace
		}
		return g.Name < cur.Name
	}
	for i := range grants {
		g := &grants[i]
		if g.Connection != conn || g.Bucket != bucket || !g.AppliesTo(p) || !g.Covers(key) {
			continue
		}
		if better(g, cover) {
			cover = g
		}
		if g.Permissions.Has(perm) && better(g, allow) {
			allow = g
		}
	}
	switch {
	case allow != nil:
		return authz.Decision{Allowed: true, Reason: authz.ReasonAllowed, Grant: allow.ID()}
	case cover != nil:
		return authz.Decision{Reason: authz.ReasonPermissionMissing, Grant: cover.ID()}
	}
	return authz.Decision{Reason: authz.ReasonNoGrant}
}

// oracleList reads the listing rules off the grant list with no index.
func oracleList(grants []grant.Grant, p grant.Principal, conn, bucket, prefix string) authz.ListDecision {
	if conn != "c1" && conn != "c2" {
		return authz.ListDecision{}
	}
	var full *grant.Grant
	var folders []string
	for i := range grants {
		g := &grants[i]
		if g.Connection != conn || g.Bucket != bucket || !g.AppliesTo(p) || !g.Permissions.Has(grant.List) {
			continue
		}
		switch {
		case strings.HasPrefix(prefix, g.Prefix): // at or under the root
			if full == nil || len(g.Prefix) > len(full.Prefix) ||
				len(g.Prefix) == len(full.Prefix) && (g.Namespace < full.Namespace || g.Namespace == full.Namespace && g.Name < full.Name) {
				full = g
			}
		case strings.HasPrefix(g.Prefix, prefix): // a proper parent of the root
			rest := g.Prefix[len(prefix):]
			folders = append(folders, prefix+rest[:strings.Index(rest, "/")+1])
		}
	}
	if full != nil {
		return authz.ListDecision{Allowed: true, Mode: authz.ListFull, Reason: authz.ReasonAllowed, Grant: full.ID()}
	}
	if len(folders) > 0 {
		slices.Sort(folders)
		return authz.ListDecision{Allowed: true, Mode: authz.ListBreadcrumb, Reason: authz.ReasonAllowed, Folders: slices.Compact(folders)}
	}
	return authz.ListDecision{}
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func TestReplaceLastDuplicateWins(t *testing.T) {
	ix := readyIndex(t,
		mkGrant("ns", "g", "a/", perms(grant.Read), user("alice")),
		mkGrant("ns", "g", "b/", perms(grant.Read), user("alice")),
	)
	alice := grant.Principal{User: "alice"}
	if d := ix.Decide(alice, grant.Read, "conn", "data", "a/x"); d.Allowed {
		t.Fatalf("first duplicate still allows: %+v", d)
	}
	if d := ix.Decide(alice, grant.Read, "conn", "data", "b/x"); !d.Allowed {
		t.Fatalf("last duplicate does not allow: %+v", d)
	}
	if ix.Len() != 1 {
		t.Fatalf("Len = %d, want 1", ix.Len())
	}
}
