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
// A large set is not scanned: for each distinct root length n (longest first)
// the path must have a '/' at n-1, and path[:n] is looked up in a map. Because
// every root ends with "/", that is exactly keys.Covers, and the cost is
// bounded by the number of distinct root lengths, not the number of grants.
type prefixSet struct {
	// name is the user or group name the set belongs to.
	name string
	// roots are ordered longest prefix first, then in byte order.
	roots []root
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
	// grants are ordered by namespace, then name.
	grants []*record
	// deciders holds, per permission bit, the first of grants that gives it.
	deciders [4]*record
}

// newPrefixSet builds the set of the given grants of the named subject, or
// returns nil for none.
func newPrefixSet(name string, records []*record) *prefixSet {
	if len(records) == 0 {
		return nil
	}
	byPrefix := map[string][]*record{}
	for _, r := range records {
		byPrefix[r.prefix] = append(byPrefix[r.prefix], r)
	}
	ps := &prefixSet{name: name, roots: make([]root, 0, len(byPrefix))}
	for prefix, rs := range byPrefix {
		slices.SortFunc(rs, compareRecords)
		rt := root{prefix: prefix, grants: rs}
		for _, r := range rs {
			rt.permissions |= r.permissions
			for bit, p := range grant.AllPermissions {
				if rt.deciders[bit] == nil && r.permissions.Has(p) {
					rt.deciders[bit] = r
				}
			}
		}
		ps.roots = append(ps.roots, rt)
	}
	slices.SortFunc(ps.roots, func(a, b root) int {
		return cmp.Or(cmp.Compare(len(b.prefix), len(a.prefix)), strings.Compare(a.prefix, b.prefix))
	})
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
	allow    *record
	allowLen int
	// cover is the best grant that covers the path at all.
	cover    *record
	coverLen int
}

// better reports whether a grant rooted at n bytes beats cur rooted at curLen:
// the longer root wins, then the smaller namespace/name.
func better(r *record, n int, cur *record, curLen int) bool {
	return cur == nil || n > curLen || n == curLen && r.less(cur)
}

// consider offers the roots of ps that cover path, longest first, and stops
// at the first that gives perm: shorter roots of the set cannot beat it. path
// is a valid key, or a valid listing prefix, which a root equal to it covers.
func (m *match) consider(ps *prefixSet, path string, perm grant.Permission) {
	if ps == nil {
		return
	}
	if ps.byPrefix == nil {
		for i := range ps.roots {
			if rt := &ps.roots[i]; keys.Covers(rt.prefix, path) && m.offer(rt, perm) {
				return
			}
		}
		return
	}
	for _, n := range ps.lengths {
		if n > len(path) || n > 0 && path[n-1] != '/' {
			continue
		}
		if rt := ps.byPrefix[path[:n]]; rt != nil && m.offer(rt, perm) {
			return
		}
	}
}

// offer records a covering root and reports whether it gives perm.
func (m *match) offer(rt *root, perm grant.Permission) bool {
	n := len(rt.prefix)
	if better(rt.grants[0], n, m.cover, m.coverLen) {
		m.cover, m.coverLen = rt.grants[0], n
	}
	if !rt.permissions.Has(perm) {
		return false
	}
	// perm is a single bit here (Decide checks), so this indexes deciders.
	r := rt.deciders[bits.TrailingZeros8(uint8(perm))&3]
	if better(r, n, m.allow, m.allowLen) {
		m.allow, m.allowLen = r, n
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
