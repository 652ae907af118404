package authz

import (
	"encoding/binary"
	"slices"
	"strings"
	"unsafe"
)

// The subjects of a snapshot are sharded by a seeded hash of their name, users
// and groups apart, so that a grant change rebuilds the few shards of its
// subjects instead of the whole index. The low subjectShardBits of a name's
// hash pick the shard.
const (
	subjectShardBits = 10
	subjectShards    = 1 << subjectShardBits
)

// subjectShard holds the subjects of one kind whose name hashes to it, laid
// out for the hot path, which is bound by cache misses. A lookup of a subject
// in a location reads one slot of table, then one small contiguous block of
// arena holding the name, the subject's roots in that location, their
// deciding grants and the prefixes and ids those point to. A principal's
// user and groups are all looked up before any block is matched, so their
// misses overlap. It is immutable once built.
//
// A block, at offset b of arena (integers are little-endian uint32):
//
//	b+0 name length, b+4 location id, b+8 root count (largeSet: see below),
//	b+12 index in sets, b+16 the name;
//	then per root (longest prefix first, then in byte order) rootEntrySize
//	bytes: prefix offset, prefix length, permissions, then five bytes that
//	are 1 + the index of a decider of the block, or 0 for none: the first
//	grant of the root, then the first giving each permission bit;
//	then the block's deciders, deciderSize bytes each: id offset, id
//	length, index in recs;
//	then the prefixes and ids.
//
// A location with more than linearMax roots encodes none and is matched
// through its prefix set, which is indexed by prefix. sets holds every
// location's prefix set, for listings and Roots.
type subjectShard struct {
	// table maps a slot hash of (name, location) to its block: tag (the
	// hash's high 32 bits) << 32 | (offset + 1); 0 is an empty slot. Its
	// length is a power of two and it is at most half full, so every probe
	// sequence reaches an empty slot.
	table []uint64
	arena string
	sets  []*prefixSet
	recs  []*record
	// locs lists each subject's location ids, in order, for Roots.
	locs map[string][]uint32
}

const (
	blockHeader   = 16
	rootEntrySize = 20
	deciderSize   = 12
	largeSet      = ^uint32(0)
)

// slotHash mixes a name's hash with a location id.
func slotHash(h uint64, loc uint32) uint64 {
	x := (h ^ uint64(loc)*0x9e3779b97f4a7c15) * 0xbf58476d1ce4e5b9
	return x ^ x>>31
}

// u32 reads the integer at off of the arena.
func (sh *subjectShard) u32(off uint32) uint32 {
	s := sh.arena[off:]
	_ = s[3] // one bounds check for the four bytes
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}

// probe is one lookup of a name in a shard, in flight: its slot hash, and
// the value of its first slot and the first word of the block it names,
// read ahead of need (see snapshot.principalRefs).
type probe struct {
	sh   *subjectShard
	name string
	x    uint64
	v    uint64
	// word is the name length of the block v names, when v's tag matches.
	word uint32
}

// probe starts the lookup of name, whose hash is h, in location loc: it
// reads the first slot.
func (sh *subjectShard) probe(h uint64, name string, loc uint32) probe {
	x := slotHash(h, loc)
	return probe{sh: sh, name: name, x: x, v: sh.table[x&uint64(len(sh.table)-1)]}
}

// prefetch reads the first word of the block the first slot names, if its
// tag matches, so that the block is on its way while other probes run.
func (pr *probe) prefetch() {
	if pr.v != 0 && pr.v>>32 == pr.x>>32 {
		pr.word = pr.sh.u32(uint32(pr.v) - 1)
	}
}

// find returns the block of name, whose hash is h, in location loc.
func (sh *subjectShard) find(h uint64, name string, loc uint32) (uint32, bool) {
	if sh == nil {
		return 0, false
	}
	pr := sh.probe(h, name, loc)
	pr.prefetch()
	return sh.resolve(&pr, loc)
}

// resolve finishes the probe: it returns the block of the probe's name in
// location loc.
func (sh *subjectShard) resolve(pr *probe, loc uint32) (uint32, bool) {
	mask := uint64(len(sh.table) - 1)
	tag := pr.x >> 32
	i, v := pr.x&mask, pr.v
	if v == 0 {
		return 0, false
	}
	// The first slot's block word was read ahead.
	if b := uint32(v) - 1; v>>32 == tag && sh.holds(b, pr.word, pr.name, loc) {
		return b, true
	}
	for {
		i = (i + 1) & mask
		v = sh.table[i]
		if v == 0 {
			return 0, false
		}
		if b := uint32(v) - 1; v>>32 == tag && sh.holds(b, sh.u32(b), pr.name, loc) {
			return b, true
		}
	}
}

// holds reports whether block b, whose first word (the name length) is n,
// is name's in location loc.
func (sh *subjectShard) holds(b, n uint32, name string, loc uint32) bool {
	return n == uint32(len(name)) && sh.u32(b+4) == loc && sh.arena[b+blockHeader:b+blockHeader+n] == name
}

// set returns the prefix set of block b.
func (sh *subjectShard) set(b uint32) *prefixSet { return sh.sets[sh.u32(b+12)] }

// deciderAt decodes the decider entry at e.
func (sh *subjectShard) deciderAt(e uint32) decider {
	off, n := sh.u32(e), sh.u32(e+4)
	return decider{id: sh.arena[off : off+n], recs: sh.recs, i: sh.u32(e + 8)}
}

// shardSubject is what a shard is built from: one subject, its name hash,
// and its prefix set per location id.
type shardSubject struct {
	hash uint64
	name string
	locs []shardLoc
}

type shardLoc struct {
	id  uint32
	set *prefixSet
}

// newSubjectShard lays out subjects; nil for none.
func newSubjectShard(subjects []shardSubject) *subjectShard {
	if len(subjects) == 0 {
		return nil
	}
	sh := &subjectShard{locs: make(map[string][]uint32, len(subjects))}
	size, blockCount, setCount := 0, 0, 0
	for _, s := range subjects {
		for _, l := range s.locs {
			size += blockSize(s.name, l.set)
			blockCount++
			for i := range l.set.roots {
				setCount += len(l.set.roots[i].grants)
			}
		}
	}
	b := shardBuilder{sh: sh, buf: make([]byte, 0, size), recIndex: make(map[*record]uint32, setCount)}
	sh.sets = make([]*prefixSet, 0, blockCount)
	type placed struct {
		x   uint64
		off uint32
	}
	blocks := make([]placed, 0, blockCount)
	for _, s := range subjects {
		ids := make([]uint32, len(s.locs))
		for i, l := range s.locs {
			ids[i] = l.id
			blocks = append(blocks, placed{slotHash(s.hash, l.id), b.block(s.name, l)})
		}
		slices.Sort(ids)
		sh.locs[s.name] = ids
	}
	// The buffer is never written again: share it rather than copy it.
	sh.arena = unsafe.String(unsafe.SliceData(b.buf), len(b.buf))

	slots := 2
	for slots < 2*len(blocks) {
		slots *= 2
	}
	sh.table = make([]uint64, slots)
	mask := uint64(slots - 1)
	for _, p := range blocks {
		j := p.x & mask
		for sh.table[j] != 0 {
			j = (j + 1) & mask
		}
		sh.table[j] = p.x>>32<<32 | uint64(p.off+1)
	}
	return sh
}

// shardBuilder encodes the blocks of one shard.
type shardBuilder struct {
	sh       *subjectShard
	buf      []byte
	recIndex map[*record]uint32
}

func (b *shardBuilder) put(at int, v uint32) { binary.LittleEndian.PutUint32(b.buf[at:], v) }

func (b *shardBuilder) grow(n int) int {
	at := len(b.buf)
	b.buf = slices.Grow(b.buf, n)[:at+n]
	clear(b.buf[at:])
	return at
}

// blockSize bounds the size of the block of the named subject's set.
func blockSize(name string, ps *prefixSet) int {
	n := blockHeader + len(name)
	if len(ps.roots) > linearMax {
		return n
	}
	for i := range ps.roots {
		n += rootEntrySize + len(ps.roots[i].prefix)
		for _, d := range ps.roots[i].allDeciders() {
			if d.recs != nil {
				n += deciderSize + len(d.id)
			}
		}
	}
	return n
}

// block writes the block of the named subject in l and returns its offset.
func (b *shardBuilder) block(name string, l shardLoc) uint32 {
	start := b.grow(blockHeader)
	b.put(start, uint32(len(name)))
	b.put(start+4, l.id)
	b.put(start+12, uint32(len(b.sh.sets)))
	b.sh.sets = append(b.sh.sets, l.set)
	b.buf = append(b.buf, name...)
	if len(l.set.roots) > linearMax {
		b.put(start+8, largeSet)
		return uint32(start)
	}
	b.put(start+8, uint32(len(l.set.roots)))

	// The roots, then the distinct deciding grants they name.
	roots := b.grow(rootEntrySize * len(l.set.roots))
	var recs []*record
	for j := range l.set.roots {
		rt := &l.set.roots[j]
		r := roots + j*rootEntrySize
		b.put(r+4, uint32(len(rt.prefix)))
		b.put(r+8, uint32(rt.permissions))
		for k, d := range rt.allDeciders() {
			if d.recs == nil {
				continue
			}
			i := slices.Index(recs, d.r())
			if i < 0 {
				i = len(recs)
				recs = append(recs, d.r())
			}
			b.buf[r+12+k] = byte(i + 1)
		}
	}
	deciders := b.grow(deciderSize * len(recs))

	// The strings they point to.
	for j := range l.set.roots {
		b.put(roots+j*rootEntrySize, uint32(len(b.buf)))
		b.buf = append(b.buf, l.set.roots[j].prefix...)
	}
	for i, rec := range recs {
		e := deciders + i*deciderSize
		b.put(e, uint32(len(b.buf)))
		b.put(e+4, uint32(len(rec.id)))
		b.put(e+8, b.recOf(rec))
		b.buf = append(b.buf, rec.id...)
	}
	return uint32(start)
}

// recOf returns the index of r in the shard's recs, adding it.
func (b *shardBuilder) recOf(r *record) uint32 {
	if i, ok := b.recIndex[r]; ok {
		return i
	}
	i := uint32(len(b.sh.recs))
	b.sh.recs = append(b.sh.recs, r)
	b.recIndex[r] = i
	return i
}

// sortedNames returns the keys of m in order.
func sortedNames(m map[string]struct{}) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	slices.SortFunc(names, strings.Compare)
	return names
}
