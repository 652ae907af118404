package authz

import (
	"cmp"
	"maps"
	"slices"

	"github.com/s3am/s3-access-manager/internal/grant"
)

// memberKey is a subject in a location: the unit a grant change rebuilds.
type memberKey struct {
	subject grant.Subject
	loc     location
}

// shardKey names one subject shard of a snapshot.
type shardKey struct {
	kind  int
	shard uint64
}

// editor builds the next snapshot from the current one, copying each part
// the first time it changes and sharing everything else. It is used by one
// writer, under Index.mu, and discarded after publishing.
type editor struct {
	next *snapshot
	// The sets below hold the parts already copied into next, which the
	// editor may therefore write.
	conns      bool
	connStates map[string]*connState
	bucketMaps map[string]bool
	groups     map[shardKey]bool
}

func newEditor(cur *snapshot) *editor {
	next := *cur
	return &editor{
		next:       &next,
		connStates: map[string]*connState{},
		bucketMaps: map[string]bool{},
		groups:     map[shardKey]bool{},
	}
}

// conn returns a writable copy of the named connection's state, creating it.
func (e *editor) conn(name string) *connState {
	if cs := e.connStates[name]; cs != nil {
		return cs
	}
	if !e.conns {
		e.conns = true
		e.next.conns = maps.Clone(e.next.conns)
		if e.next.conns == nil {
			e.next.conns = map[string]*connState{}
		}
	}
	cs := &connState{}
	if old := e.next.conns[name]; old != nil {
		*cs = *old
	}
	e.next.conns[name] = cs
	e.connStates[name] = cs
	return cs
}

// setLocation records the id of a location.
func (e *editor) setLocation(loc location, id uint32) {
	cs := e.conn(loc.connection)
	if !e.bucketMaps[loc.connection] {
		e.bucketMaps[loc.connection] = true
		cs.buckets = maps.Clone(cs.buckets)
		if cs.buckets == nil {
			cs.buckets = map[string]uint32{}
		}
	}
	cs.buckets[loc.bucket] = id
}

// setConnection records a connection's readiness; known=false forgets it.
func (e *editor) setConnection(name string, known, ready bool) {
	cs := e.conn(name)
	cs.known, cs.ready = known, ready
	e.dropIfEmpty(name, cs)
}

// setShard replaces one subject shard (nil empties it).
func (e *editor) setShard(k shardKey, sh *subjectShard) {
	gk := shardKey{k.kind, k.shard / shardsPerGroup}
	g := e.next.subjects[gk.kind][gk.shard]
	if !e.groups[gk] {
		e.groups[gk] = true
		copied := &shardGroup{}
		if g != nil {
			*copied = *g
		}
		g = copied
		e.next.subjects[gk.kind][gk.shard] = g
	}
	if sh == nil {
		g[k.shard%shardsPerGroup] = subjectShard{}
	} else {
		g[k.shard%shardsPerGroup] = *sh
	}
}

// finish returns the snapshot to publish.
func (e *editor) finish() *snapshot {
	for name, cs := range e.connStates {
		e.dropIfEmpty(name, cs)
		if e.bucketMaps[name] {
			cs.bucketIndex = newNameTable(cs.buckets)
		}
	}
	if e.conns {
		e.next.connIndex = newNameTable(e.next.conns)
	}
	return e.next
}

// dropIfEmpty forgets a connection that is neither known nor holds grants.
func (e *editor) dropIfEmpty(name string, cs *connState) {
	if !cs.known && len(cs.buckets) == 0 {
		delete(e.next.conns, name)
	}
}

// sortedLocations returns the keys of m in order.
func sortedLocations(m map[location]struct{}) []location {
	locs := make([]location, 0, len(m))
	for l := range m {
		locs = append(locs, l)
	}
	slices.SortFunc(locs, func(a, b location) int {
		return cmp.Or(cmp.Compare(a.connection, b.connection), cmp.Compare(a.bucket, b.bucket))
	})
	return locs
}
