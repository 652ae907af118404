package authz

import (
	"fmt"
	"slices"
	"strings"
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
		return old.match(alice, cs, "data", "a/x", grant.Read)
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
	if !sameMatch(after, before) || after.allow.recs == nil || after.allow.id != "ns/g" || after.allow.r().prefix != "a/" {
		t.Fatalf("old snapshot changed: before %+v, after %+v", before, after)
	}
	locs := 0
	old.eachSet(alice, func(location, *prefixSet) { locs++ })
	if old.grantCount != 1 || locs != 1 {
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
	copied := 0
	for kind := range old.subjects {
		for i := range subjectShards {
			if old.shard(kind, uint64(i)) != next.shard(kind, uint64(i)) {
				copied++
			}
		}
	}
	if copied != 1 {
		t.Fatalf("one new subject copied %d subject shards, want 1", copied)
	}
	p := grant.Principal{Groups: []string{"new-group"}}
	found := func(s *snapshot) (n int) {
		s.eachSet(p, func(location, *prefixSet) { n++ })
		return n
	}
	if found(old) != 0 || found(next) != 1 {
		t.Fatal("the new subject is not exactly in the new snapshot")
	}
}

// sameMatch reports whether two matches chose the same grants at the same
// lengths.
func sameMatch(a, b match) bool {
	same := func(x, y decider) bool {
		return x.id == y.id && (x.recs == nil) == (y.recs == nil) && (x.recs == nil || x.r() == y.r())
	}
	return same(a.allow, b.allow) && a.allowLen == b.allowLen && same(a.cover, b.cover) && a.coverLen == b.coverLen
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
				if !sameMatch(got, want) {
					t.Fatalf("%s %v: indexed %+v, scanned %+v", key, perm, got, want)
				}
			}
		}
	}
}

// TestSubjectShard checks lookups, including names whose hashes collide in
// full, which the shard must tell apart by name, and that a location's
// encoded roots match like its prefix set.
func TestSubjectShard(t *testing.T) {
	hashOf := func(i int) uint64 {
		if i%3 == 0 {
			return 42 // every third name shares one hash: the worst case for probing
		}
		return uint64(i)<<subjectShardBits | uint64(i)<<40
	}
	var subjects []shardSubject
	for i := range 100 {
		name := fmt.Sprintf("n%d", i)
		var records []*record
		for j := range 1 + i%(linearMax+3) {
			records = append(records, &record{namespace: "ns", name: fmt.Sprintf("%s-g%d", name, j), id: fmt.Sprintf("ns/%s-g%d", name, j),
				prefix: fmt.Sprintf("p%d/", j%5) + strings.Repeat("d/", j%3), permissions: grant.Permissions(1 + (i+j)%15)})
		}
		subjects = append(subjects, shardSubject{hash: hashOf(i), name: name,
			locs: []shardLoc{{id: 7, set: newPrefixSet(name, records)}, {id: 3, set: newPrefixSet(name, records[:1])}}})
	}
	sh := newSubjectShard(subjects)
	if len(sh.table) < 400 || len(sh.table)&(len(sh.table)-1) != 0 {
		t.Fatalf("%d slots for 200 blocks; want a power of two, at most half full", len(sh.table))
	}
	for i, subj := range subjects {
		if !slices.Equal(sh.locs[subj.name], []uint32{3, 7}) {
			t.Fatalf("%s: locations %v", subj.name, sh.locs[subj.name])
		}
		if _, ok := sh.find(hashOf(i), subj.name, 5); ok {
			t.Fatalf("%s: location 5 found", subj.name)
		}
		for _, l := range subj.locs {
			checkBlock(t, sh, hashOf(i), subj.name, l, "p0/x", "p1/d/x", "p2/d/d/x", "p3/d/d/d/x", "p4/", "q/x")
			if _, ok := sh.find(hashOf(i), subj.name+"x", l.id); ok {
				t.Fatalf("find(%sx) found it", subj.name)
			}
		}
	}
	var none *subjectShard
	if newSubjectShard(nil) != nil {
		t.Fatal("the empty shard is not nil")
	}
	if _, ok := none.find(1, "x", 0); ok {
		t.Fatal("the nil shard finds something")
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
	for i := range subjectShards {
		if sh := ix.cur.Load().shard(groupNames, uint64(i)); sh != nil {
			names += len(sh.locs)
		}
	}
	if names != n/2 {
		t.Fatalf("%d names after deleting half, want %d", names, n/2)
	}
}

// TestWideSubjectShard fills one shard past what four-byte slots address:
// its table must switch to eight-byte slots and still find every block, and
// the blocks must match like their prefix sets.
func TestWideSubjectShard(t *testing.T) {
	var subjects []shardSubject
	deep := strings.Repeat("folder/", 14)
	for i := range 1500 {
		name := fmt.Sprintf("subject-%d", i)
		var records []*record
		for j := range linearMax {
			records = append(records, &record{namespace: "ns", name: fmt.Sprintf("%s-g%d", name, j), id: fmt.Sprintf("ns/%s-g%d", name, j),
				prefix: fmt.Sprintf("p%d/%s", j, deep), permissions: grant.Permissions(1 + (i+j)%15)})
		}
		h := uint64(i) * 0x9e3779b97f4a7c15
		if i%5 == 0 {
			h = 7 // colliding hashes too
		}
		subjects = append(subjects, shardSubject{hash: h, name: name, locs: []shardLoc{{id: 1, set: newPrefixSet(name, records)}}})
	}
	sh := newSubjectShard(subjects)
	if sh.wide == nil || sh.table != nil || len(sh.arena) <= maxNarrowOff {
		t.Fatalf("arena of %d bytes: wide %v", len(sh.arena), sh.wide != nil)
	}
	for _, subj := range subjects {
		if _, ok := sh.find(subj.hash, subj.name, 2); ok {
			t.Fatalf("%s: location 2 found", subj.name)
		}
		checkBlock(t, sh, subj.hash, subj.name, subj.locs[0], "p0/"+deep+"x", "p3/"+deep+"y/z", "p3/folder/x", "q/x")
	}
}

// checkBlock fails t unless the shard finds name's block at l and the block
// decides every permission on every key as l's prefix set does.
func checkBlock(t *testing.T, sh *subjectShard, hash uint64, name string, l shardLoc, keys ...string) {
	t.Helper()
	b, ok := sh.find(hash, name, l.id)
	if !ok || sh.blockName(b) != name || sh.set(b) != l.set {
		t.Fatalf("find(%s, %d) = %d, %v", name, l.id, b, ok)
	}
	for _, key := range keys {
		for _, perm := range grant.AllPermissions {
			var want, got match
			want.consider(l.set, key, perm)
			got.considerBlock(sh, b, key, perm)
			if !sameMatch(got, want) {
				t.Fatalf("%s %s %v: encoded %+v, set %+v", name, key, perm, got, want)
			}
		}
	}
}
