package authz

import (
	"hash/maphash"

	"github.com/s3am/s3-access-manager/internal/grant"
)

// snapshot is one immutable state of the index. Writers copy what they change
// and publish the copy; nothing reachable from a published snapshot is ever
// written again.
//
// The read path is: connection name → bucket name → location id (two small
// string-keyed maps), then for the user and each group one hash of the name,
// which picks a shard, a slot in its table and the subject's block, where the
// location id finds the subject's roots there.
type snapshot struct {
	synced bool
	seed   maphash.Seed
	conns  map[string]*connState
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
}

// shardGroup is one group of shards of snapshot.subjects.
type shardGroup [shardsPerGroup]*subjectShard

const shardsPerGroup = 32

// shard returns the shard of kind (userNames or groupNames) that holds the
// name whose hash is h.
func (s *snapshot) shard(kind int, h uint64) *subjectShard {
	i := h & (subjectShards - 1)
	if g := s.subjects[kind][i/shardsPerGroup]; g != nil {
		return g[i%shardsPerGroup]
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
func (s *snapshot) hash(name string) uint64 { return maphash.String(s.seed, name) }

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
// and returns how many it found and where to continue. All lookups of a
// batch run before any result is used, so that their cache misses overlap.
func (s *snapshot) principalRefs(p grant.Principal, loc uint32, from int, out *[8]subjectRef) (n, next int) {
	for next = from; next <= len(p.Groups) && n < len(out); next++ {
		kind, name := userNames, p.User
		if next > 0 {
			kind, name = groupNames, p.Groups[next-1]
		}
		// Empty names never match: they cannot be grant subjects.
		if name == "" {
			continue
		}
		h := s.hash(name)
		sh := s.shard(kind, h)
		if b, ok := sh.find(h, name, loc); ok {
			out[n] = subjectRef{sh, b}
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
	cs := s.conns[name]
	switch {
	case cs == nil || !cs.known:
		return nil, ReasonUnknownConnection
	case !cs.ready:
		return nil, ReasonConnectionNotReady
	}
	return cs, ""
}
