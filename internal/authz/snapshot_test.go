package authz

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/s3am/s3-access-manager/internal/grant"
)

// TestPublishedSnapshotsNeverChange holds on to a snapshot while writers run
// and checks it still answers as it did: writers must copy, never mutate.
func TestPublishedSnapshotsNeverChange(t *testing.T) {
	ix := New()
	g := grant.Grant{Namespace: "ns", Name: "g", Connection: "conn", Bucket: "data", Prefix: "a/",
		Permissions: grant.NewPermissions(grant.Read), Subjects: []grant.Subject{{Kind: grant.User, Name: "alice"}}}
	if err := ix.Upsert(g); err != nil {
		t.Fatal(err)
	}
	ix.SetConnectionReady("conn", true)
	ix.MarkSynced()
	old := ix.cur.Load()
	alice := grant.Principal{User: "alice"}
	decide := func() match {
		cs, r := old.readyConnection("conn")
		if r != "" {
			t.Fatalf("old snapshot's connection changed: %s", r)
		}
		return old.match(alice, cs.buckets["data"], "a/x", grant.Read)
	}
	before := decide()

	g.Prefix = "b/"
	if err := ix.Upsert(g); err != nil {
		t.Fatal(err)
	}
	g.Name = "other"
	if err := ix.Upsert(g); err != nil {
		t.Fatal(err)
	}
	ix.Delete("ns", "g")
	ix.SetConnectionReady("conn", false)
	ix.RemoveConnection("conn")
	if err := ix.Replace(nil); err != nil {
		t.Fatal(err)
	}

	after := decide()
	if after != before || after.allow.r == nil || after.allow.id != "ns/g" || after.allow.r.prefix != "a/" {
		t.Fatalf("old snapshot changed: before %+v, after %+v", before, after)
	}
	if old.grantCount != 1 || len(old.subjectLocations[old.hash("alice")%nameShards][grant.Subject{Kind: grant.User, Name: "alice"}]) != 1 {
		t.Fatal("old snapshot's count or subject index changed")
	}
	if ix.cur.Load() == old {
		t.Fatal("writers did not publish a new snapshot")
	}
}

// TestUpsertSharesUntouchedParts checks that a grant change copies only the
// shards of its subject.
func TestUpsertSharesUntouchedParts(t *testing.T) {
	ix := New()
	for i := range 2000 {
		name := fmt.Sprintf("user-%04d", i)
		if err := ix.Upsert(grant.Grant{Namespace: "ns", Name: name, Connection: "c", Bucket: "bkt", Prefix: name + "/",
			Permissions: grant.NewPermissions(grant.Read), Subjects: []grant.Subject{{Kind: grant.User, Name: name}}}); err != nil {
			t.Fatal(err)
		}
	}
	old := ix.cur.Load()
	subj := grant.Subject{Kind: grant.Group, Name: "new-group"}
	if err := ix.Upsert(grant.Grant{Namespace: "ns", Name: "x", Connection: "c", Bucket: "bkt", Prefix: "x/",
		Permissions: grant.NewPermissions(grant.Read), Subjects: []grant.Subject{subj}}); err != nil {
		t.Fatal(err)
	}
	next := ix.cur.Load()
	oldBT, nextBT := old.bucket(location{"c", "bkt"}), next.bucket(location{"c", "bkt"})
	bucketShards, subjectShards := 0, 0
	for kind := range oldBT.names {
		for i := range nameShards {
			if !sameSlice(oldBT.names[kind][i], nextBT.names[kind][i]) {
				bucketShards++
			}
		}
	}
	for i := range nameShards {
		if !sameMap(old.subjectLocations[i], next.subjectLocations[i]) {
			subjectShards++
		}
	}
	if bucketShards != 1 || subjectShards != 1 {
		t.Fatalf("one new subject copied %d bucket shards and %d subject shards, want 1 and 1", bucketShards, subjectShards)
	}
	if old.set(oldBT, groupNames, "new-group") != nil || next.set(nextBT, groupNames, "new-group") == nil {
		t.Fatal("the new subject is not exactly in the new snapshot")
	}
}

// sameSlice reports whether a and b share their backing array (or are both
// empty).
func sameSlice(a, b nameTable) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// sameMap reports whether a and b are the same map object, not just equal.
func sameMap(a, b any) bool {
	return reflect.ValueOf(a).UnsafePointer() == reflect.ValueOf(b).UnsafePointer()
}

// TestLargePrefixSetsMatchLikeSmallOnes crosses linearMax and checks that the
// length-indexed lookup decides like the scan.
func TestLargePrefixSetsMatchLikeSmallOnes(t *testing.T) {
	var records []*record
	for i := range 3 * linearMax {
		records = append(records, &record{namespace: "ns", name: fmt.Sprintf("g%02d", i), id: fmt.Sprintf("ns/g%02d", i),
			prefix:      fmt.Sprintf("p%d/", i%(linearMax+3)) + map[bool]string{true: "deep/", false: ""}[i%2 == 0],
			permissions: grant.Permissions(1 + i%15)})
	}
	records = append(records, &record{namespace: "ns", name: "whole", id: "ns/whole", permissions: grant.NewPermissions(grant.Delete)})
	large := newPrefixSet("alice", records)
	if large.byPrefix == nil {
		t.Fatal("set is not indexed")
	}
	for i := range linearMax + 4 {
		for _, key := range []string{fmt.Sprintf("p%d/x", i), fmt.Sprintf("p%d/deep/x", i), fmt.Sprintf("p%d/deeper/x", i), "q/x"} {
			for _, perm := range grant.AllPermissions {
				var want match
				for j := range large.roots {
					small := &prefixSet{roots: large.roots[j : j+1]}
					want.consider(small, key, perm)
				}
				var got match
				got.consider(large, key, perm)
				if got != want {
					t.Fatalf("%s %v: indexed %+v, scanned %+v", key, perm, got, want)
				}
			}
		}
	}
}

// TestNameTable checks lookups, replacement and removal, including names
// whose hashes collide in full, which the table must tell apart by name.
func TestNameTable(t *testing.T) {
	set := func(name string) *prefixSet { return &prefixSet{name: name} }
	var tbl nameTable
	for i := range 100 {
		name := fmt.Sprintf("n%d", i)
		// Every third name shares one hash: the worst case for probing.
		h := uint64(i)
		if i%3 == 0 {
			h = 42
		}
		tbl = tbl.with(h, name, set(name))
	}
	for i := range 100 {
		name := fmt.Sprintf("n%d", i)
		h := uint64(i)
		if i%3 == 0 {
			h = 42
		}
		if got := tbl.get(h, name); got == nil || got.name != name {
			t.Fatalf("get(%s) = %v", name, got)
		}
		if got := tbl.get(h, name+"x"); got != nil {
			t.Fatalf("get(%sx) = %v", name, got)
		}
	}
	n := 0
	tbl.each(func(*prefixSet) { n++ })
	if n != 100 || len(tbl) < 200 {
		t.Fatalf("%d entries in %d slots", n, len(tbl))
	}
	replaced := set("n3")
	tbl = tbl.with(42, "n3", replaced)
	if tbl.get(42, "n3") != replaced || tbl.get(42, "n6") == nil {
		t.Fatal("replacing one colliding name lost another")
	}
	for i := range 100 {
		h := uint64(i)
		if i%3 == 0 {
			h = 42
		}
		tbl = tbl.with(h, fmt.Sprintf("n%d", i), nil)
	}
	if tbl != nil {
		t.Fatalf("table not empty after removing everything: %d slots", len(tbl))
	}
}
