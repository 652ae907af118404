package authz

import (
	"slices"

	"github.com/s3am/s3-access-manager/internal/grant"
)

// GrantsOf returns copies of the grants in the index that apply to p's user
// or one of its groups, each once, ordered by namespace and name: what a
// session policy scoped to p is generated from. It returns nil until the
// index is synced. Its cost follows p's grants, not the size of the index.
func (ix *Index) GrantsOf(p grant.Principal) []grant.Grant {
	s := ix.cur.Load()
	if !s.synced {
		return nil
	}
	var recs []*record
	s.eachSet(p, func(_ location, ps *prefixSet) {
		for i := range ps.roots {
			recs = append(recs, ps.roots[i].grants...)
		}
	})
	slices.SortFunc(recs, compareRecords)
	recs = slices.Compact(recs)
	out := make([]grant.Grant, len(recs))
	for i, r := range recs {
		out[i] = r.grant()
	}
	return out
}
