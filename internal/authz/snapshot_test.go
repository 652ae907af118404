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
	if old.grantCount != 1 || len(old.subjectLocations[old.hash("alice")%subjectShards][grant.Subject{Kind: grant.User, Name: "alice"}]) != 1 {
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
	copiedBucket, copiedSubject := 0, 0
	for kind := range oldBT.names {
		for i := range nameShards {
			if !sameSlice(oldBT.names[kind][i], nextBT.names[kind][i]) {
				copiedBucket++
			}
		}
	}
	for i := range subjectShards {
		if !sameMap(old.subjectLocations[i], next.subjectLocations[i]) {
			copiedSubject++
		}
	}
	if copiedBucket != 1 || copiedSubject != 1 {
		t.Fatalf("one new subject copied %d bucket shards and %d subject shards, want 1 and 1", copiedBucket, copiedSubject)
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

// TestNameTable checks lookups, including names whose hashes collide in
// full, which the table must tell apart by name.
func TestNameTable(t *testing.T) {
	hashOf := func(i int) uint64 {
		if i%3 == 0 {
			return 42 // every third name shares one hash: the worst case for probing
		}
		return uint64(i) << nameShardBits
	}
	var entries []slot
	for i := range 100 {
		entries = append(entries, slot{hash: hashOf(i), set: &prefixSet{name: fmt.Sprintf("n%d", i)}})
	}
	tbl := newNameTable(entries)
	if len(tbl) < 200 || len(tbl)&(len(tbl)-1) != 0 {
		t.Fatalf("%d slots for 100 names; want a power of two, at most half full", len(tbl))
	}
	for i := range 100 {
		name := fmt.Sprintf("n%d", i)
		if got := tbl.get(hashOf(i), name); got == nil || got.name != name {
			t.Fatalf("get(%s) = %v", name, got)
		}
		if got := tbl.get(hashOf(i), name+"x"); got != nil {
			t.Fatalf("get(%sx) = %v", name, got)
		}
	}
	n := 0
	tbl.each(func(*prefixSet) { n++ })
	if n != 100 {
		t.Fatalf("each visited %d sets", n)
	}
	if newNameTable(nil) != nil || nameTable(nil).get(1, "x") != nil {
		t.Fatal("the empty table is not nil or finds something")
	}
}

// TestManyNamesInOneBucket grows one bucket's names one Upsert at a time and
// removes half of them: every present name must still be found, every removed
// one must not.
func TestManyNamesInOneBucket(t *testing.T) {
	ix := New()
	ix.SetConnectionReady("c", true)
	ix.MarkSynced()
	const n = 3000
	mk := func(i int) grant.Grant {
		return grant.Grant{Namespace: "ns", Name: fmt.Sprintf("g%d", i), Connection: "c", Bucket: "bkt", Prefix: "p/",
			Permissions: grant.NewPermissions(grant.Read), Subjects: []grant.Subject{{Kind: grant.Group, Name: fmt.Sprintf("group-%d", i)}}}
	}
	check := func(upTo int, present func(int) bool) {
		t.Helper()
		for i := range upTo {
			d := ix.Decide(grant.Principal{User: "u", Groups: []string{fmt.Sprintf("group-%d", i)}}, grant.Read, "c", "bkt", "p/x")
			if d.Allowed != present(i) {
				t.Fatalf("group-%d: %+v, want allowed=%v", i, d, present(i))
			}
		}
	}
	for i := range n {
		if err := ix.Upsert(mk(i)); err != nil {
			t.Fatal(err)
		}
		if i%500 == 0 {
			check(i+1, func(int) bool { return true })
		}
	}
	check(n, func(int) bool { return true })
	for i := 0; i < n; i += 2 {
		ix.Delete("ns", fmt.Sprintf("g%d", i))
	}
	check(n, func(i int) bool { return i%2 == 1 })
	names := 0
	for _, t := range ix.cur.Load().bucket(location{"c", "bkt"}).names[groupNames] {
		t.each(func(*prefixSet) { names++ })
	}
	if names != n/2 {
		t.Fatalf("%d names after deleting half, want %d", names, n/2)
	}
}
