package authz

import (
	"github.com/s3am/s3-access-manager/internal/grant"
)

// snapshot is one immutable state of the index. Writers copy what they change
// and publish the copy; nothing reachable from a published snapshot is ever
// written again.
//
// The read path is: connection name → bucket name → location id (two small
// name tables), then for the user and each group one hash of the name, which
// picks a shard, and with the location id a slot in its table, which points
// to the block of the subject's roots in that location.
type snapshot struct {
	synced bool
	seed   uint64
	conns  map[string]*connState
	// connIndex is conns for the hot path.
	connIndex nameTable[*connState]
	// subjects holds the users ([userNames]) and groups ([groupNames]), in
	// groups of shards so that a change copies one small group.
	subjects [2][subjectShards / shardsPerGroup]*shardGroup
	// locs names each location id. Writers only append to it; a snapshot
	// reads the ids it knows, so it may share the backing array.
	locs       []location
	grantCount int
}

// connState is what the index knows of one connection: its readiness and its
// buckets' location ids.
type connState struct {
	// known is false for a connection that grants name but that the index was
	// never told about (or was told to forget).
	known, ready bool
	// buckets maps a bucket name to its location id. A location keeps its id
	// until the next Replace, even when its last grant is gone.
	buckets map[string]uint32
	// bucketIndex is buckets for the hot path.
	bucketIndex nameTable[uint32]
}

// shardGroup is one group of shards of snapshot.subjects. The shards are
// held by value, so that a lookup goes from the group straight to the
// shard's table, without loading a pointer to the shard first.
type shardGroup [shardsPerGroup]subjectShard

const shardsPerGroup = 32

// shard returns the shard of kind (userNames or groupNames) that holds the
// name whose hash is h.
func (s *snapshot) shard(kind int, h uint64) *subjectShard {
	i := h & (subjectShards - 1)
	if g := s.subjects[kind][i/shardsPerGroup]; g != nil {
		if sh := &g[i%shardsPerGroup]; len(sh.arena) != 0 {
			return sh
		}
	}
	return nil
}

// Indexes of snapshot.subjects.
const (
	userNames = iota
	groupNames
)

// location is a bucket of a connection.
type location struct{ connection, bucket string }

// hash is the seeded hash of a subject name.
func (s *snapshot) hash(name string) uint64 { return nameHash(s.seed, name) }

// kindIndex maps a subject kind to its snapshot.subjects index.
func kindIndex(k grant.SubjectKind) int {
	if k == grant.User {
		return userNames
	}
	return groupNames
}

// subjectRef is a subject found in a shard, in one location: its block.
type subjectRef struct {
	sh    *subjectShard
	block uint32
}

// principalRefs finds p's user and groups in location loc, at most len(out)
// of them starting with the name at from (0 is the user, i the group i-1),
// and returns how many it found and where to continue.
//
// A lookup is two dependent loads that are usually cache misses: a table
// slot, then the block it points to. They are issued in passes over the
// whole batch, so that the misses of the user and the groups overlap
// instead of queueing behind each other's mispredicted branches: first every
// name is hashed and its first slot read, then the block of every slot whose
// tag matches is read, and only then are names compared.
func (s *snapshot) principalRefs(p grant.Principal, loc uint32, from int, out *[8]subjectRef) (n, next int) {
	var probes [8]probe
	k := 0
	for next = from; next <= len(p.Groups) && k < len(probes); next++ {
		kind, name := userNames, p.User
		if next > 0 {
			kind, name = groupNames, p.Groups[next-1]
		}
		// Empty names never match: they cannot be grant subjects.
		if name == "" {
			continue
		}
		h := s.hash(name)
		if sh := s.shard(kind, h); sh != nil {
			probes[k].start(sh, h, name, loc)
			k++
		}
	}
	for i := range probes[:k] {
		probes[i].prefetch()
	}
	for i := range probes[:k] {
		pr := &probes[i]
		if b, ok := pr.sh.resolve(pr, loc); ok {
			out[n] = subjectRef{pr.sh, b}
			n++
		}
	}
	return n, next
}

// eachSubject calls fn with every subject of p that holds grants in loc.
func (s *snapshot) eachSubject(p grant.Principal, loc uint32, fn func(subjectRef)) {
	var refs [8]subjectRef
	for from := 0; from <= len(p.Groups); {
		var n int
		n, from = s.principalRefs(p, loc, from, &refs)
		for _, ref := range refs[:n] {
			fn(ref)
		}
	}
}

// eachSet calls fn with every prefix set of p's user and groups, with its
// location.
func (s *snapshot) eachSet(p grant.Principal, fn func(location, *prefixSet)) {
	visit := func(kind int, name string) {
		h := s.hash(name)
		sh := s.shard(kind, h)
		if sh == nil {
			return
		}
		for _, loc := range sh.locs[name] {
			if b, ok := sh.find(h, name, loc); ok {
				fn(s.locs[loc], sh.set(b))
			}
		}
	}
	if p.User != "" {
		visit(userNames, p.User)
	}
	for _, g := range p.Groups {
		if g != "" {
			visit(groupNames, g)
		}
	}
}

// readyConnection returns the state of a ready connection, or the reason to
// deny requests on it.
func (s *snapshot) readyConnection(name string) (*connState, Reason) {
	cs, _ := s.connIndex.get(name)
	switch {
	case cs == nil || !cs.known:
		return nil, ReasonUnknownConnection
	case !cs.ready:
		return nil, ReasonConnectionNotReady
	}
	return cs, ""
}
