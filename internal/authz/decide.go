package authz

import (
	"errors"

	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/keys"
)

// Decide says whether p may use perm on the object key in bucket of
// connection. Checks run in this order, and the first that fails decides:
// synced, key valid (keys.ValidateKey, before any lookup), permission one of the
// four, connection known and ready, a grant of p's user or groups covering the
// key on a segment boundary, and one of those grants giving perm.
//
// Decide neither blocks nor allocates when it allows or denies a valid key.
func (ix *Index) Decide(p grant.Principal, perm grant.Permission, connection, bucket, key string) Decision {
	d, _ := ix.cur.Load().decide(p, perm, connection, bucket, key)
	return d
}

// DecideUpload is Decide for grant.Write, and returns with an allowed
// decision the upload limits of the grant that decided, from the same
// snapshot: the caller needs no second look-up, which a grant change in
// between could answer differently. The limits are zero when it denies.
func (ix *Index) DecideUpload(p grant.Principal, connection, bucket, key string) (Decision, UploadLimits) {
	return ix.DecideLimits(p, grant.Write, connection, bucket, key)
}

// DecideLimits is DecideUpload for any perm: a download needs the deciding
// grant's ValidUntil, which its presigned URL must not outlive.
func (ix *Index) DecideLimits(p grant.Principal, perm grant.Permission, connection, bucket, key string) (Decision, UploadLimits) {
	d, by := ix.cur.Load().decide(p, perm, connection, bucket, key)
	if by.recs == nil {
		return d, UploadLimits{}
	}
	return d, by.r().limits
}

// decide is Decide on s; it also returns the allowing grant, if any.
func (s *snapshot) decide(p grant.Principal, perm grant.Permission, connection, bucket, key string) (Decision, decider) {
	if !s.synced {
		return Decision{Reason: ReasonNotSynced}, decider{}
	}
	if err := keys.ValidateKey(key); err != nil {
		d := Decision{Reason: ReasonInvalidKey}
		d.KeyReason, d.Detail = keyRefusal(err)
		return d, decider{}
	}
	if !validPermission(perm) {
		return Decision{Reason: ReasonInvalidPermission}, decider{}
	}
	cs, r := s.readyConnection(connection)
	if r != "" {
		return Decision{Reason: r}, decider{}
	}
	var a acc
	s.accumulate(&a, p, cs, bucket, key, perm)
	switch {
	case a.allow.set():
		d := a.allow.decider()
		return Decision{Allowed: true, Reason: ReasonAllowed, Grant: d.id}, d
	case a.cover.set():
		return Decision{Reason: ReasonPermissionMissing, Grant: a.cover.decider().id}, decider{}
	}
	return Decision{Reason: ReasonNoGrant}, decider{}
}

// match offers path to the roots of p's user and of each of its groups in
// bucket of cs.
func (s *snapshot) match(p grant.Principal, cs *connState, bucket, path string, perm grant.Permission) match {
	var a acc
	s.accumulate(&a, p, cs, bucket, path, perm)
	return a.result()
}

// accumulate is match into a, which leaves the deciding grants encoded.
func (s *snapshot) accumulate(a *acc, p grant.Principal, cs *connState, bucket, path string, perm grant.Permission) {
	loc, ok := cs.bucketIndex.get(bucket)
	if !ok {
		return
	}
	var refs [8]subjectRef
	for from := 0; from <= len(p.Groups); {
		var n int
		n, from = s.principalRefs(p, loc, from, &refs)
		for _, ref := range refs[:n] {
			a.considerBlock(ref.sh, ref.block, path, perm)
		}
	}
}

// validPermission reports whether perm is exactly one of the four permissions.
// root.deciders relies on it.
func validPermission(perm grant.Permission) bool {
	switch perm {
	case grant.Read, grant.Write, grant.List, grant.Delete:
		return true
	}
	return false
}

// keyRefusal extracts the reason and explanation of a keys refusal.
func keyRefusal(err error) (keys.Reason, string) {
	var ke *keys.Error
	if errors.As(err, &ke) {
		return ke.Reason, ke.Detail
	}
	return "", err.Error()
}
