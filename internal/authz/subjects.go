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
// Blocks are packed tight because their total size decides whether the
// index's hot part fits the caches and the TLB's reach: at 100k grants a
// block is 70-80 bytes, two cache lines at most. A block, at offset b of
// arena (integers little-endian):
//
//	b+0 u16 name length (spilled: see below), b+2 u16 offset from b of
//	the deciders, b+4 u32 location id, b+8 u32 index in sets, b+12 u8
//	root count, b+13 the name;
//	then per root (longest prefix first, then in byte order) rootEntrySize
//	bytes: u16 prefix length, u8 permissions, then five bytes that are 1 +
//	the index of a decider of the block, or 0 for none: the first grant of
//	the root, then the first giving each permission bit;
//	then the prefixes, in the roots' order;
//	then the block's deciders, deciderSize bytes each: u32 index in recs,
//	u16 offset of the id from the entry, u16 id length;
//	then the ids.
//
// A location with more than linearMax roots, or whose block would not fit
// these widths, is spilled: its block is the header alone, with the name
// length spilled, and it is matched through its prefix set, which holds
// the name and is indexed by prefix. sets holds every location's prefix set,
// for listings and Roots.
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
	blockHeader   = 13
	rootEntrySize = 8
	deciderSize   = 8
	// spilled is the name length of a spilled block.
	spilled  = 0xffff
	maxBlock = 0xffff
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

// u16 reads the 16-bit integer at off of the arena.
func (sh *subjectShard) u16(off uint32) uint32 {
	s := sh.arena[off:]
	_ = s[1]
	return uint32(s[0]) | uint32(s[1])<<8
}

// probe is one lookup of a name in a shard, in flight: its slot hash, and
// the value of its first slot and the first word of the block it names,
// read ahead of need (see snapshot.principalRefs).
type probe struct {
	sh   *subjectShard
	name string
	x    uint64
	v    uint64
	// word is the first word of the block v names (its name length and
	// deciders' offset), when v's tag matches.
	word uint32
}

// start starts the lookup in sh of name, whose hash is h, in location loc:
// it reads the first slot. It fills pr field by field: a probe built and
// then copied whole would be read back wider than it was written, which
// stalls store-to-load forwarding on the hot path.
func (pr *probe) start(sh *subjectShard, h uint64, name string, loc uint32) {
	x := slotHash(h, loc)
	pr.sh, pr.name, pr.x = sh, name, x
	pr.v = sh.table[x&uint64(len(sh.table)-1)]
	pr.word = 0
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
	var pr probe
	pr.start(sh, h, name, loc)
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

// holds reports whether block b, whose first word is w, is name's in
// location loc.
func (sh *subjectShard) holds(b, w uint32, name string, loc uint32) bool {
	if sh.u32(b+4) != loc {
		return false
	}
	n := w & 0xffff
	if n == spilled {
		return sh.set(b).name == name
	}
	return n == uint32(len(name)) && sh.arena[b+blockHeader:b+blockHeader+n] == name
}

// name returns the name of block b.
func (sh *subjectShard) blockName(b uint32) string {
	n := sh.u16(b)
	if n == spilled {
		return sh.set(b).name
	}
	return sh.arena[b+blockHeader : b+blockHeader+n]
}

// set returns the prefix set of block b.
func (sh *subjectShard) set(b uint32) *prefixSet { return sh.sets[sh.u32(b+8)] }

// deciderAt decodes the decider entry at e.
func (sh *subjectShard) deciderAt(e uint32) decider {
	off, n := e+sh.u16(e+4), sh.u16(e+6)
	return decider{id: sh.arena[off : off+n], recs: sh.recs, i: sh.u32(e)}
}

// recAt returns the record of the decider entry at e.
func (sh *subjectShard) recAt(e uint32) *record { return sh.recs[sh.u32(e)] }

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

func (b *shardBuilder) put16(at, v int) { binary.LittleEndian.PutUint16(b.buf[at:], uint16(v)) }

func (b *shardBuilder) grow(n int) int {
	at := len(b.buf)
	b.buf = slices.Grow(b.buf, n)[:at+n]
	clear(b.buf[at:])
	return at
}

// blockSize bounds the size of the block of the named subject's set; it is
// blockHeader for a set that is spilled.
func blockSize(name string, ps *prefixSet) int {
	if len(ps.roots) > linearMax {
		return blockHeader
	}
	n := blockHeader + len(name)
	for i := range ps.roots {
		n += rootEntrySize + len(ps.roots[i].prefix)
		for _, d := range ps.roots[i].allDeciders() {
			if d.recs != nil {
				n += deciderSize + len(d.id)
			}
		}
	}
	if n > maxBlock {
		return blockHeader
	}
	return n
}

// block writes the block of the named subject in l and returns its offset.
func (b *shardBuilder) block(name string, l shardLoc) uint32 {
	size := blockSize(name, l.set)
	start := b.grow(blockHeader)
	b.put(start+4, l.id)
	b.put(start+8, uint32(len(b.sh.sets)))
	b.sh.sets = append(b.sh.sets, l.set)
	if size == blockHeader {
		b.put16(start, spilled)
		return uint32(start)
	}
	b.put16(start, len(name))
	b.buf[start+12] = byte(len(l.set.roots))
	b.buf = append(b.buf, name...)

	// The roots, then their prefixes, then the distinct deciding grants
	// they name.
	roots := b.grow(rootEntrySize * len(l.set.roots))
	var recs []*record
	for j := range l.set.roots {
		rt := &l.set.roots[j]
		r := roots + j*rootEntrySize
		b.put16(r, len(rt.prefix))
		b.buf[r+2] = byte(rt.permissions)
		for k, d := range rt.allDeciders() {
			if d.recs == nil {
				continue
			}
			i := slices.Index(recs, d.r())
			if i < 0 {
				i = len(recs)
				recs = append(recs, d.r())
			}
			b.buf[r+3+k] = byte(i + 1)
		}
		b.buf = append(b.buf, rt.prefix...)
	}
	deciders := b.grow(deciderSize * len(recs))
	b.put16(start+2, deciders-start)
	for i, rec := range recs {
		e := deciders + i*deciderSize
		b.put(e, b.recOf(rec))
		b.put16(e+4, len(b.buf)-e)
		b.put16(e+6, len(rec.id))
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
