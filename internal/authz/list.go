package authz

import (
	"slices"
	"strings"

	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/keys"
)

// CanList says what p may see when listing prefix ("" is the bucket root) in
// bucket of connection. The prefix is checked with keys.ValidateListPrefix
// before any lookup; the synced and connection checks are those of Decide.
//
// When a grant with list permission is rooted at or above prefix, the listing
// is ListFull. Otherwise, when prefix is a proper parent of list grant roots,
// it is ListBreadcrumb and Folders names only the child folders on the way
// down to those roots, so the listing never reveals a sibling's name. A
// breadcrumb listing is decided by no single grant, so Grant is empty then.
func (ix *Index) CanList(p grant.Principal, connection, bucket, prefix string) ListDecision {
	s := ix.cur.Load()
	if !s.synced {
		return ListDecision{Reason: ReasonNotSynced}
	}
	if err := keys.ValidateListPrefix(prefix); err != nil {
		d := ListDecision{Reason: ReasonInvalidKey}
		d.KeyReason, d.Detail = keyRefusal(err)
		return d
	}
	cs, r := s.readyConnection(connection)
	if r != "" {
		return ListDecision{Reason: r}
	}
	m := s.match(p, cs, bucket, prefix, grant.List)
	if m.allow.recs != nil {
		return ListDecision{Allowed: true, Mode: ListFull, Reason: ReasonAllowed, Grant: m.allow.id}
	}
	folders, unlisted := s.breadcrumbs(p, cs, bucket, prefix)
	if len(folders) > 0 {
		return ListDecision{Allowed: true, Mode: ListBreadcrumb, Reason: ReasonAllowed, Folders: folders}
	}
	switch {
	case m.cover.recs != nil:
		return ListDecision{Reason: ReasonPermissionMissing, Grant: m.cover.id}
	case unlisted.recs != nil:
		return ListDecision{Reason: ReasonPermissionMissing, Grant: unlisted.id}
	}
	return ListDecision{Reason: ReasonNoGrant}
}

// breadcrumbs returns the sorted child folders of prefix that lead to p's list
// grant roots below it, and, when there are none, the best grant rooted below
// prefix without list permission (so the denial can name it).
func (s *snapshot) breadcrumbs(p grant.Principal, cs *connState, bucket, prefix string) (folders []string, unlisted decider) {
	unlistedLen := 0
	visit := func(rt *root) {
		if !rt.permissions.Has(grant.List) {
			if better(rt.first, len(rt.prefix), unlisted, unlistedLen) {
				unlisted, unlistedLen = rt.first, len(rt.prefix)
			}
			return
		}
		// rt.prefix extends prefix and ends in "/", so a '/' follows the child.
		child := rt.prefix[:len(prefix)+strings.IndexByte(rt.prefix[len(prefix):], '/')+1]
		if n := len(folders); n == 0 || folders[n-1] != child {
			folders = append(folders, child)
		}
	}
	if loc, ok := cs.bucketIndex.get(bucket); ok {
		s.eachSubject(p, loc, func(ref subjectRef) { ref.sh.set(ref.block).below(prefix, visit) })
	}
	slices.Sort(folders)
	return slices.Compact(folders), unlisted
}
