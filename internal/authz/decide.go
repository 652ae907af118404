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
	d, r := ix.cur.Load().decide(p, grant.Write, connection, bucket, key)
	if r == nil {
		return d, UploadLimits{}
	}
	return d, r.limits
}

// decide is Decide on s; it also returns the allowing grant's record.
func (s *snapshot) decide(p grant.Principal, perm grant.Permission, connection, bucket, key string) (Decision, *record) {
	if !s.synced {
		return Decision{Reason: ReasonNotSynced}, nil
	}
	if err := keys.ValidateKey(key); err != nil {
		d := Decision{Reason: ReasonInvalidKey}
		d.KeyReason, d.Detail = keyRefusal(err)
		return d, nil
	}
	if !validPermission(perm) {
		return Decision{Reason: ReasonInvalidPermission}, nil
	}
	cs, r := s.readyConnection(connection)
	if r != "" {
		return Decision{Reason: r}, nil
	}
	m := s.match(p, cs.buckets[bucket], key, perm)
	switch {
	case m.allow.r != nil:
		return Decision{Allowed: true, Reason: ReasonAllowed, Grant: m.allow.id}, m.allow.r
	case m.cover.r != nil:
		return Decision{Reason: ReasonPermissionMissing, Grant: m.cover.id}, nil
	}
	return Decision{Reason: ReasonNoGrant}, nil
}

// match offers path to the prefix sets of p's user and of each of its groups
// in bt. Empty names never match: they cannot be grant subjects.
func (s *snapshot) match(p grant.Principal, bt *bucketTable, path string, perm grant.Permission) match {
	var m match
	if bt == nil {
		return m
	}
	if p.User != "" {
		m.consider(s.set(bt, userNames, p.User), path, perm)
	}
	for _, g := range p.Groups {
		if g != "" {
			m.consider(s.set(bt, groupNames, g), path, perm)
		}
	}
	return m
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
