package authz

import (
	"cmp"
	"slices"

	"github.com/s3am/s3-access-manager/internal/grant"
)

// Root is a folder (or a whole bucket) where some of a principal's grants
// start: what the dashboard shows as the principal's entry points.
type Root struct {
	Connection string
	Bucket     string
	// Prefix is the grant prefix; "" is the whole bucket.
	Prefix string
	// Permissions is the union of the permissions of the grants rooted
	// exactly here. Decide also counts grants rooted above.
	Permissions grant.Permissions
	// Grants are the "namespace/name" of those grants, ordered by namespace,
	// then name.
	Grants []string
	// ConnectionReady is false when the connection is unknown or not ready;
	// Decide denies everything under such a root.
	ConnectionReady bool
}

// Roots returns the grant roots of p's user and groups, merged per connection,
// bucket and prefix and sorted in that order. It returns nil until the index
// is synced.
func (ix *Index) Roots(p grant.Principal) []Root {
	s := ix.cur.Load()
	if !s.synced {
		return nil
	}
	type rootKey struct{ connection, bucket, prefix string }
	merged := map[rootKey][]*record{}
	perms := map[rootKey]grant.Permissions{}
	s.eachSet(p, func(loc location, ps *prefixSet) {
		for _, rt := range ps.sorted {
			k := rootKey{loc.connection, loc.bucket, rt.prefix}
			merged[k] = append(merged[k], rt.grants...)
			perms[k] |= rt.permissions
		}
	})
	roots := make([]Root, 0, len(merged))
	for k, recs := range merged {
		slices.SortFunc(recs, compareRecords)
		recs = slices.Compact(recs)
		ids := make([]string, len(recs))
		for i, r := range recs {
			ids[i] = r.id
		}
		roots = append(roots, Root{
			Connection:      k.connection,
			Bucket:          k.bucket,
			Prefix:          k.prefix,
			Permissions:     perms[k],
			Grants:          ids,
			ConnectionReady: ready(s, k.connection),
		})
	}
	slices.SortFunc(roots, func(a, b Root) int {
		return cmp.Or(cmp.Compare(a.Connection, b.Connection), cmp.Compare(a.Bucket, b.Bucket), cmp.Compare(a.Prefix, b.Prefix))
	})
	return roots
}

// ready reports whether requests on the connection may be decided.
func ready(s *snapshot, connection string) bool {
	_, r := s.readyConnection(connection)
	return r == ""
}
