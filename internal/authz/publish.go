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

// editor builds the next snapshot from the current one, copying each part
// the first time it changes and sharing everything else. It is used by one
// writer, under Index.mu, and discarded after publishing.
type editor struct {
	next *snapshot
	// The sets below hold the parts already copied into next, which the
	// editor may therefore write.
	conns        bool
	connStates   map[string]*connState
	bucketMaps   map[string]bool
	buckets      map[location]*bucketTable
	subjectShard [subjectShards]bool
}

func newEditor(cur *snapshot) *editor {
	next := *cur
	return &editor{
		next:       &next,
		connStates: map[string]*connState{},
		bucketMaps: map[string]bool{},
		buckets:    map[location]*bucketTable{},
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

// bucketsOf returns the writable bucket map of the named connection.
func (e *editor) bucketsOf(name string) map[string]*bucketTable {
	cs := e.conn(name)
	if !e.bucketMaps[name] {
		e.bucketMaps[name] = true
		cs.buckets = maps.Clone(cs.buckets)
		if cs.buckets == nil {
			cs.buckets = map[string]*bucketTable{}
		}
	}
	return cs.buckets
}

// setConnection records a connection's readiness; known=false forgets it.
func (e *editor) setConnection(name string, known, ready bool) {
	cs := e.conn(name)
	cs.known, cs.ready = known, ready
	e.dropIfEmpty(name, cs)
}

// tableKey names one nameTable: a shard of one kind of subject in a bucket.
type tableKey struct {
	loc   location
	kind  int
	shard uint64
}

// setPrefixSets replaces (nil removes) the prefix set of every key in sets,
// rebuilding each name table it touches once.
func (e *editor) setPrefixSets(sets map[memberKey]*prefixSet) {
	type change struct {
		hash uint64
		set  *prefixSet
	}
	changes := map[tableKey]map[string]change{}
	for mk, ps := range sets {
		h := e.next.hash(mk.subject.Name)
		tk := tableKey{mk.loc, kindIndex(mk.subject.Kind), h % nameShards}
		if changes[tk] == nil {
			changes[tk] = map[string]change{}
		}
		changes[tk][mk.subject.Name] = change{h, ps}
	}
	for tk, byName := range changes {
		bt := e.bucket(tk.loc)
		t := &bt.names[tk.kind][tk.shard]
		entries := make([]slot, 0, len(*t)/2+len(byName))
		for _, s := range *t {
			if s.set == nil {
				continue
			}
			if _, changed := byName[s.set.name]; !changed {
				entries = append(entries, s)
			}
		}
		for _, c := range byName {
			if c.set != nil {
				entries = append(entries, slot{hash: c.hash, set: c.set})
			}
		}
		*t = newNameTable(entries)
	}
}

// bucket returns a writable copy of the table of loc, creating it.
func (e *editor) bucket(loc location) *bucketTable {
	if bt := e.buckets[loc]; bt != nil {
		return bt
	}
	buckets := e.bucketsOf(loc.connection)
	bt := &bucketTable{}
	if old := buckets[loc.bucket]; old != nil {
		*bt = *old
	}
	buckets[loc.bucket] = bt
	e.buckets[loc] = bt
	return bt
}

// setSubjectLocations replaces the Roots index entry of subj.
func (e *editor) setSubjectLocations(subj grant.Subject, locs []location) {
	si := e.next.hash(subj.Name) % subjectShards
	if !e.subjectShard[si] {
		e.subjectShard[si] = true
		e.next.subjectLocations[si] = maps.Clone(e.next.subjectLocations[si])
		if e.next.subjectLocations[si] == nil {
			e.next.subjectLocations[si] = map[grant.Subject][]location{}
		}
	}
	if len(locs) == 0 {
		delete(e.next.subjectLocations[si], subj)
	} else {
		e.next.subjectLocations[si][subj] = locs
	}
}

// finish drops emptied tables and returns the snapshot to publish.
func (e *editor) finish() *snapshot {
	for loc, bt := range e.buckets {
		if bt.empty() {
			delete(e.connStates[loc.connection].buckets, loc.bucket)
		}
	}
	for name, cs := range e.connStates {
		e.dropIfEmpty(name, cs)
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

// empty reports whether bt holds no subject.
func (bt *bucketTable) empty() bool {
	for kind := range bt.names {
		for _, t := range bt.names[kind] {
			if len(t) > 0 {
				return false
			}
		}
	}
	return true
}
