package authz

import (
	"errors"
	"sync"
	"sync/atomic"

	"github.com/s3am/s3-access-manager/internal/grant"
)

// Index is the authorization index. The zero value is not usable; call New.
// All methods are safe for concurrent use: readers never block, writers are
// serialized.
type Index struct {
	cur atomic.Pointer[snapshot]
	// version counts the snapshots published after the first.
	version atomic.Uint64

	// mu serializes writers and guards the fields below, which only writers
	// read: they let a single grant change rebuild just what it touches.
	mu sync.Mutex
	// grants are the grants in the index, by namespace/name.
	grants map[grantKey]*record
	// members lists, for each subject and bucket, the grants it holds there,
	// in no order.
	members map[memberKey][]*record
	// locations lists, for each subject, the buckets it holds grants in.
	locations map[grant.Subject]map[location]struct{}
	// sets are the current prefix sets, per subject and location.
	sets map[memberKey]*prefixSet
	// locIDs and locs number the locations since the last Replace.
	locIDs map[location]uint32
	locs   []location
	// shardNames lists the subjects of each shard.
	shardNames map[shardKey]map[string]struct{}
	// seed is every snapshot's: it places names in shards.
	seed uint64
}

// New returns an empty, unsynced index: it denies everything with
// ReasonNotSynced until MarkSynced.
func New() *Index {
	ix := &Index{seed: newHashSeed()}
	ix.reset()
	ix.cur.Store(&snapshot{seed: ix.seed})
	return ix
}

func (ix *Index) reset() {
	ix.grants = map[grantKey]*record{}
	ix.members = map[memberKey][]*record{}
	ix.locations = map[grant.Subject]map[location]struct{}{}
	ix.sets = map[memberKey]*prefixSet{}
	ix.locIDs = map[location]uint32{}
	ix.locs = nil
	ix.shardNames = map[shardKey]map[string]struct{}{}
}

// Replace rebuilds the index from grants, which the caller has filtered to
// Ready ones; connection states and the synced flag are kept. A grant that is
// malformed (see Upsert) is left out and reported in the joined error; the
// others are installed. When two grants share a namespace/name the last wins.
func (ix *Index) Replace(grants []grant.Grant) error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.reset()
	var errs []error
	for i := range grants {
		r, err := newRecord(&grants[i])
		if err != nil {
			errs = append(errs, err)
			continue
		}
		gk := grantKey{r.namespace, r.name}
		if old := ix.grants[gk]; old != nil {
			ix.unlink(gk, old, nil)
		}
		ix.link(gk, r, nil)
	}
	// Start from a snapshot with the connection states and no grants.
	old := ix.cur.Load()
	base := &snapshot{synced: old.synced, seed: ix.seed, conns: map[string]*connState{}}
	for name, cs := range old.conns {
		if cs.known {
			base.conns[name] = &connState{known: true, ready: cs.ready}
		}
	}
	base.connIndex = newNameTable(base.conns)
	touched := make(map[memberKey]struct{}, len(ix.members))
	for mk := range ix.members {
		touched[mk] = struct{}{}
	}
	ix.publish(ix.build(base, touched))
	return errors.Join(errs...)
}

// Upsert adds g or replaces the grant of the same namespace/name, publishing a
// new snapshot that shares everything g does not touch. A malformed grant (no
// namespace, name or connection, an invalid bucket or prefix, a subject of
// unknown kind or without a name) is refused with an error, and any previous
// version of it is removed: the index fails closed.
func (ix *Index) Upsert(g grant.Grant) error {
	r, err := newRecord(&g)
	ix.mu.Lock()
	defer ix.mu.Unlock()
	gk := grantKey{g.Namespace, g.Name}
	touched := map[memberKey]struct{}{}
	if old := ix.grants[gk]; old != nil {
		ix.unlink(gk, old, touched)
	}
	if err == nil {
		ix.link(gk, r, touched)
	}
	if len(touched) > 0 {
		ix.publish(ix.build(ix.cur.Load(), touched))
	}
	return err
}

// Delete removes the grant namespace/name, if present.
func (ix *Index) Delete(namespace, name string) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	gk := grantKey{namespace, name}
	old := ix.grants[gk]
	if old == nil {
		return
	}
	touched := map[memberKey]struct{}{}
	ix.unlink(gk, old, touched)
	ix.publish(ix.build(ix.cur.Load(), touched))
}

// SetConnectionReady records whether the named S3Connection may be used. A
// connection never set is unknown, and requests on it are denied.
func (ix *Index) SetConnectionReady(name string, ready bool) {
	ix.setConnection(name, true, ready)
}

// RemoveConnection forgets the named connection, so that requests on it are
// denied with ReasonUnknownConnection. Its grants stay until they are deleted.
func (ix *Index) RemoveConnection(name string) {
	ix.setConnection(name, false, false)
}

func (ix *Index) setConnection(name string, known, ready bool) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	cur := ix.cur.Load()
	if cs := cur.conns[name]; cs == nil && !known || cs != nil && cs.known == known && cs.ready == ready {
		return
	}
	e := newEditor(cur)
	e.setConnection(name, known, ready)
	ix.publish(e.finish())
}

// MarkSynced records that the index reflects the API server (the informer
// caches have synced and Replace has run); from then on requests are decided.
func (ix *Index) MarkSynced() {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	cur := ix.cur.Load()
	if cur.synced {
		return
	}
	next := *cur
	next.synced = true
	ix.publish(&next)
}

// publish installs s as the current snapshot. Writers hold ix.mu.
func (ix *Index) publish(s *snapshot) {
	ix.cur.Store(s)
	ix.version.Add(1)
}

// Version counts the snapshots published so far. It changes whenever what
// the index answers may have changed, and not when a write changed nothing
// (a connection set to the readiness it had, a delete of an absent grant).
func (ix *Index) Version() uint64 { return ix.version.Load() }

// Synced reports whether MarkSynced has been called.
func (ix *Index) Synced() bool { return ix.cur.Load().synced }

// Len returns the number of grants in the index.
func (ix *Index) Len() int { return ix.cur.Load().grantCount }

// link adds r to the writer's tables, noting what changed in touched (if not
// nil).
func (ix *Index) link(gk grantKey, r *record, touched map[memberKey]struct{}) {
	ix.grants[gk] = r
	loc := location{r.connection, r.bucket}
	for _, s := range r.subjects {
		mk := memberKey{s, loc}
		if len(ix.members[mk]) == 0 {
			if ix.locations[s] == nil {
				ix.locations[s] = map[location]struct{}{}
				sk := ix.shardOf(s)
				if ix.shardNames[sk] == nil {
					ix.shardNames[sk] = map[string]struct{}{}
				}
				ix.shardNames[sk][s.Name] = struct{}{}
			}
			ix.locations[s][loc] = struct{}{}
		}
		ix.members[mk] = append(ix.members[mk], r)
		if touched != nil {
			touched[mk] = struct{}{}
		}
	}
}

// unlink removes r from the writer's tables, noting what changed in touched
// (if not nil).
func (ix *Index) unlink(gk grantKey, r *record, touched map[memberKey]struct{}) {
	delete(ix.grants, gk)
	loc := location{r.connection, r.bucket}
	for _, s := range r.subjects {
		mk := memberKey{s, loc}
		ix.members[mk] = removeRecord(ix.members[mk], r)
		if len(ix.members[mk]) == 0 {
			delete(ix.members, mk)
			delete(ix.locations[s], loc)
			if len(ix.locations[s]) == 0 {
				delete(ix.locations, s)
				sk := ix.shardOf(s)
				delete(ix.shardNames[sk], s.Name)
				if len(ix.shardNames[sk]) == 0 {
					delete(ix.shardNames, sk)
				}
			}
		}
		if touched != nil {
			touched[mk] = struct{}{}
		}
	}
}

// build returns base with the prefix sets in touched rebuilt from the
// writer's tables, and the shards of their subjects re-laid, sharing every
// other part of base.
func (ix *Index) build(base *snapshot, touched map[memberKey]struct{}) *snapshot {
	e := newEditor(base)
	shards := map[shardKey]struct{}{}
	for mk := range touched {
		if ps := newPrefixSet(mk.subject.Name, ix.members[mk]); ps != nil {
			ix.sets[mk] = ps
			if _, ok := ix.locIDs[mk.loc]; !ok {
				id := uint32(len(ix.locs))
				ix.locIDs[mk.loc] = id
				ix.locs = append(ix.locs, mk.loc)
				e.setLocation(mk.loc, id)
			}
		} else {
			delete(ix.sets, mk)
		}
		shards[ix.shardOf(mk.subject)] = struct{}{}
	}
	for sk := range shards {
		e.setShard(sk, ix.buildShard(sk))
	}
	next := e.finish()
	next.locs = ix.locs
	next.grantCount = len(ix.grants)
	return next
}

// shardOf returns the shard that holds s.
func (ix *Index) shardOf(s grant.Subject) shardKey {
	return shardKey{kindIndex(s.Kind), nameHash(ix.seed, s.Name) & (subjectShards - 1)}
}

// buildShard lays out the shard sk from the writer's tables.
func (ix *Index) buildShard(sk shardKey) *subjectShard {
	names := sortedNames(ix.shardNames[sk])
	subjects := make([]shardSubject, 0, len(names))
	for _, name := range names {
		subj := grant.Subject{Kind: grant.User, Name: name}
		if sk.kind == groupNames {
			subj.Kind = grant.Group
		}
		locs := sortedLocations(ix.locations[subj])
		ss := shardSubject{hash: nameHash(ix.seed, name), name: name, locs: make([]shardLoc, len(locs))}
		for i, loc := range locs {
			ss.locs[i] = shardLoc{id: ix.locIDs[loc], set: ix.sets[memberKey{subj, loc}]}
		}
		subjects = append(subjects, ss)
	}
	return newSubjectShard(subjects)
}

// removeRecord removes r from rs, which holds it once, without keeping order.
func removeRecord(rs []*record, r *record) []*record {
	for i := range rs {
		if rs[i] == r {
			last := len(rs) - 1
			rs[i] = rs[last]
			rs[last] = nil
			return rs[:last]
		}
	}
	return rs
}
