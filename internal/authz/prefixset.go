package authz

import (
	"cmp"
	"math/bits"
	"slices"
	"strings"

	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/keys"
)

// linearMax is the largest set scanned root by root; larger sets are looked
// up by length. Most subjects hold a handful of grants per bucket, and
// scanning a few contiguous roots beats hashing.
const linearMax = 8

// prefixSet holds the grant roots of one subject in one bucket. It is
// immutable once built.
//
// Its layout serves the hot path, which is bound by cache misses: the name
// and every prefix are substrings of one string, a set with a single root
// keeps it inside the struct, and each root caches the ids of its deciding
// grants, so that a decision reads the set, its string and nothing else.
//
// A large set is not scanned: for each distinct root length n (longest first)
// the path must have a '/' at n-1, and path[:n] is looked up in a map. Because
// every root ends with "/", that is exactly keys.Covers, and the cost is
// bounded by the number of distinct root lengths, not the number of grants.
type prefixSet struct {
	// name is the user or group name the set belongs to.
	name string
	// roots are ordered longest prefix first, then in byte order.
	roots []root
	// single backs roots when there is one.
	single [1]root
	// byPrefix and lengths (distinct, longest first) index sets of more
	// than linearMax roots; both are nil for smaller sets.
	byPrefix map[string]*root
	lengths  []int
	// sorted points into roots in byte order of prefix, for listings.
	sorted []*root
}

// root is one prefix and the grants rooted exactly there.
type root struct {
	prefix string
	// permissions is the union over grants.
	permissions grant.Permissions
	// first is grants[0], which decides a denial for want of permission;
	// deciders holds, per permission bit, the first of grants that gives it.
	first    decider
	deciders [4]decider
	// grants are ordered by namespace, then name.
	grants []*record
}

// decider is a grant that decides, with its id at hand: recs[i] is its
// record, which only a tie between equally long roots, or a caller wanting
// the grant's upload limits, reads. The zero decider is none.
type decider struct {
	id   string
	recs []*record
	i    uint32
}

// r returns the decider's record.
func (d decider) r() *record { return d.recs[d.i] }

// allDeciders returns first, then deciders.
func (rt *root) allDeciders() [5]decider {
	return [5]decider{rt.first, rt.deciders[0], rt.deciders[1], rt.deciders[2], rt.deciders[3]}
}

// newPrefixSet builds the set of the given grants of the named subject, or
// returns nil for none. It keeps no reference to records.
func newPrefixSet(name string, records []*record) *prefixSet {
	if len(records) == 0 {
		return nil
	}
	// One copy, ordered as the roots are and then as each root's grants are,
	// so that every root's grants are a run of it.
	rs := slices.Clone(records)
	slices.SortFunc(rs, func(a, b *record) int {
		return cmp.Or(cmp.Compare(len(b.prefix), len(a.prefix)), strings.Compare(a.prefix, b.prefix), compareRecords(a, b))
	})
	var runs [][]*record
	size := len(name)
	for i := 0; i < len(rs); {
		j := i + 1
		for j < len(rs) && rs[j].prefix == rs[i].prefix {
			j++
		}
		runs = append(runs, rs[i:j:j])
		size += len(rs[i].prefix)
		i = j
	}

	var arena strings.Builder
	arena.Grow(size)
	arena.WriteString(name)
	for _, run := range runs {
		arena.WriteString(run[0].prefix)
	}
	text := arena.String()

	ps := &prefixSet{name: text[:len(name)]}
	if len(runs) == 1 {
		ps.roots = ps.single[:]
	} else {
		ps.roots = make([]root, len(runs))
	}
	at := len(name)
	for i, run := range runs {
		rt := &ps.roots[i]
		n := len(run[0].prefix)
		rt.prefix, at = text[at:at+n], at+n
		rt.grants = run
		rt.first = decider{id: run[0].id, recs: run, i: 0}
		for i, r := range run {
			rt.permissions |= r.permissions
			for bit, perm := range grant.AllPermissions {
				if rt.deciders[bit].recs == nil && r.permissions.Has(perm) {
					rt.deciders[bit] = decider{id: r.id, recs: run, i: uint32(i)}
				}
			}
		}
	}
	ps.sorted = make([]*root, len(ps.roots))
	for i := range ps.roots {
		ps.sorted[i] = &ps.roots[i]
	}
	slices.SortFunc(ps.sorted, func(a, b *root) int { return strings.Compare(a.prefix, b.prefix) })
	if len(ps.roots) > linearMax {
		ps.byPrefix = make(map[string]*root, len(ps.roots))
		for i := range ps.roots {
			rt := &ps.roots[i]
			ps.byPrefix[rt.prefix] = rt
			if n := len(rt.prefix); len(ps.lengths) == 0 || ps.lengths[len(ps.lengths)-1] != n {
				ps.lengths = append(ps.lengths, n)
			}
		}
	}
	return ps
}

// match accumulates the deciding grants over the prefix sets of a principal's
// subjects.
type match struct {
	// allow is the best grant that covers the path and has the permission.
	allow    decider
	allowLen int
	// cover is the best grant that covers the path at all.
	cover    decider
	coverLen int
}

// better reports whether d rooted at n bytes beats cur rooted at curLen: the
// longer root wins, then the smaller namespace/name.
func better(d decider, n int, cur decider, curLen int) bool {
	return cur.recs == nil || n > curLen || n == curLen && d.r().less(cur.r())
}

// consider offers the roots of ps that cover path, longest first, and stops
// at the first that gives perm: shorter roots of the set cannot beat it. path
// is a valid key, or a valid listing prefix, which a root equal to it covers.
func (m *match) consider(ps *prefixSet, path string, perm grant.Permission) {
	a := m.acc()
	a.consider(ps, path, perm)
	*m = a.result()
}

// considerBlock offers the roots of block b of sh, as consider does for its
// prefix set.
func (m *match) considerBlock(sh *subjectShard, b uint32, path string, perm grant.Permission) {
	a := m.acc()
	a.considerBlock(sh, b, path, perm)
	*m = a.result()
}

// acc returns an accumulator holding m.
func (m *match) acc() acc {
	return acc{allow: cand{d: m.allow}, allowLen: m.allowLen, cover: cand{d: m.cover}, coverLen: m.coverLen}
}

// acc is a match being accumulated. A candidate read from a block stays
// encoded, as its shard and decider entry, until result: most candidates
// are beaten by another or never read, and decoding one costs more than
// the rest of offering its root.
type acc struct {
	allow    cand
	allowLen int
	cover    cand
	coverLen int
}

// cand is a deciding grant: d, or when sh is not nil the decider entry at
// e of sh's arena.
type cand struct {
	d  decider
	sh *subjectShard
	e  uint32
}

// set reports whether c is a grant.
func (c *cand) set() bool { return c.sh != nil || c.d.recs != nil }

// r returns c's record.
func (c *cand) r() *record {
	if c.sh != nil {
		return c.sh.recAt(c.e)
	}
	return c.d.r()
}

// decider decodes c.
func (c *cand) decider() decider {
	if c.sh != nil {
		return c.sh.deciderAt(c.e)
	}
	return c.d
}

// result decodes the accumulated match.
func (a *acc) result() match {
	return match{allow: a.allow.decider(), allowLen: a.allowLen, cover: a.cover.decider(), coverLen: a.coverLen}
}

// beats reports whether a grant rooted at n bytes beats cur rooted at
// curLen: the longer root wins; on a tie of lengths the caller compares
// namespace/name (tie reports it).
func beats(n int, cur *cand, curLen int) (yes, tie bool) {
	if !cur.set() || n > curLen {
		return true, false
	}
	return false, n == curLen
}

// consider is match.consider.
func (a *acc) consider(ps *prefixSet, path string, perm grant.Permission) {
	if ps == nil {
		return
	}
	if ps.byPrefix == nil {
		for i := range ps.roots {
			if rt := &ps.roots[i]; keys.Covers(rt.prefix, path) && a.offer(rt, perm) {
				return
			}
		}
		return
	}
	for _, n := range ps.lengths {
		if n > len(path) || n > 0 && path[n-1] != '/' {
			continue
		}
		if rt := ps.byPrefix[path[:n]]; rt != nil && a.offer(rt, perm) {
			return
		}
	}
}

// considerBlock is match.considerBlock.
func (a *acc) considerBlock(sh *subjectShard, b uint32, path string, perm grant.Permission) {
	w := sh.u32(b)
	if w&0xffff == spilled {
		a.consider(sh.set(b), path, perm)
		return
	}
	deciders := b + w>>16
	n := uint32(sh.arena[b+12])
	r := b + blockHeader + w&0xffff
	p := r + n*rootEntrySize
	for range n {
		size := sh.u16(r)
		if keys.Covers(sh.arena[p:p+size], path) && a.offerEntry(sh, r, deciders, int(size), perm) {
			return
		}
		p += size
		r += rootEntrySize
	}
}

// offerEntry is offer for the root entry r of sh, rooted at n bytes, whose
// block's deciders start at deciders.
func (a *acc) offerEntry(sh *subjectShard, r, deciders uint32, n int, perm grant.Permission) bool {
	ds := sh.arena[r+3 : r+8]
	if !a.cover.set() || n >= a.coverLen {
		e := deciders + uint32(ds[0]-1)*deciderSize
		if yes, tie := beats(n, &a.cover, a.coverLen); yes || tie && sh.recAt(e).less(a.cover.r()) {
			a.cover, a.coverLen = cand{sh: sh, e: e}, n
		}
	}
	if !grant.Permissions(sh.arena[r+2]).Has(perm) {
		return false
	}
	// perm is a single bit here (Decide checks), so this indexes the
	// deciders, and the root has a decider for every permission it gives.
	e := deciders + uint32(ds[1+bits.TrailingZeros8(uint8(perm))&3]-1)*deciderSize
	if yes, tie := beats(n, &a.allow, a.allowLen); yes || tie && sh.recAt(e).less(a.allow.r()) {
		a.allow, a.allowLen = cand{sh: sh, e: e}, n
	}
	return true
}

// offer records a covering root and reports whether it gives perm.
func (a *acc) offer(rt *root, perm grant.Permission) bool {
	n := len(rt.prefix)
	if yes, tie := beats(n, &a.cover, a.coverLen); yes || tie && rt.first.r().less(a.cover.r()) {
		a.cover, a.coverLen = cand{d: rt.first}, n
	}
	if !rt.permissions.Has(perm) {
		return false
	}
	// perm is a single bit here (Decide checks), so this indexes deciders.
	d := rt.deciders[bits.TrailingZeros8(uint8(perm))&3]
	if yes, tie := beats(n, &a.allow, a.allowLen); yes || tie && d.r().less(a.allow.r()) {
		a.allow, a.allowLen = cand{d: d}, n
	}
	return true
}

// below calls fn for each root of ps strictly under prefix, in byte order.
func (ps *prefixSet) below(prefix string, fn func(*root)) {
	if ps == nil {
		return
	}
	i, _ := slices.BinarySearchFunc(ps.sorted, prefix, func(rt *root, p string) int {
		return strings.Compare(rt.prefix, p)
	})
	for ; i < len(ps.sorted) && strings.HasPrefix(ps.sorted[i].prefix, prefix); i++ {
		if len(ps.sorted[i].prefix) > len(prefix) {
			fn(ps.sorted[i])
		}
	}
}
