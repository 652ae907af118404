package authz

import (
	"errors"
	"fmt"
	"slices"

	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/keys"
)

// knownPermissions masks the bits grant.Permission defines.
const knownPermissions = grant.Permissions(grant.Read | grant.Write | grant.List | grant.Delete)

// record is a grant as the index holds it: a private copy, never changed after
// it is linked, shared by every snapshot and prefix set that lists it.
type record struct {
	namespace, name string
	// id is "namespace/name", built once so decisions never concatenate.
	id          string
	connection  string
	bucket      string
	prefix      string
	subjects    []grant.Subject
	permissions grant.Permissions
	// limits are the grant's upload limits, handed out with the decisions
	// it makes so that nobody reads the grant back.
	limits UploadLimits
}

// grant returns a copy of the grant r was made from, as the index holds it.
func (r *record) grant() grant.Grant {
	return grant.Grant{
		Namespace: r.namespace, Name: r.name,
		Connection: r.connection, Bucket: r.bucket, Prefix: r.prefix,
		Subjects:            slices.Clone(r.subjects),
		Permissions:         r.permissions,
		MaxObjectSize:       r.limits.MaxObjectSize,
		AllowedContentTypes: slices.Clone(r.limits.AllowedContentTypes),
		ValidUntil:          r.limits.ValidUntil,
	}
}

// grantKey identifies a grant object.
type grantKey struct{ namespace, name string }

// newRecord checks g and copies what the index needs. The index trusts no
// grant that would weaken matching: a prefix without its trailing "/" would
// reach sibling folders, so such a grant is refused whole.
func newRecord(g *grant.Grant) (*record, error) {
	if g.Namespace == "" || g.Name == "" {
		return nil, fmt.Errorf("grant %q: namespace and name are required", g.ID())
	}
	if err := checkGrant(g); err != nil {
		return nil, fmt.Errorf("grant %s: %w", g.ID(), err)
	}
	r := &record{
		namespace:   g.Namespace,
		name:        g.Name,
		id:          g.ID(),
		connection:  g.Connection,
		bucket:      g.Bucket,
		prefix:      g.Prefix,
		permissions: g.Permissions & knownPermissions,
	}
	r.limits = UploadLimits{
		Grant:               r.id,
		MaxObjectSize:       g.MaxObjectSize,
		AllowedContentTypes: slices.Clone(g.AllowedContentTypes),
		ValidUntil:          g.ValidUntil,
	}
	for _, s := range g.Subjects {
		if !slices.Contains(r.subjects, s) {
			r.subjects = append(r.subjects, s)
		}
	}
	return r, nil
}

func checkGrant(g *grant.Grant) error {
	if g.Connection == "" {
		return errors.New("no connection")
	}
	if err := keys.ValidateBucket(g.Bucket); err != nil {
		return err
	}
	if g.Prefix != "" {
		if err := keys.ValidatePrefix(g.Prefix); err != nil {
			return err
		}
	}
	for _, s := range g.Subjects {
		if s.Kind != grant.User && s.Kind != grant.Group {
			return fmt.Errorf("subject %q has unknown kind %q", s.Name, s.Kind)
		}
		if s.Name == "" {
			return fmt.Errorf("a %s subject has no name", s.Kind)
		}
	}
	return nil
}

// less orders records for the deterministic choice of a deciding grant.
func (r *record) less(o *record) bool {
	if r.namespace != o.namespace {
		return r.namespace < o.namespace
	}
	return r.name < o.name
}

func compareRecords(a, b *record) int {
	switch {
	case a.less(b):
		return -1
	case b.less(a):
		return 1
	}
	return 0
}
