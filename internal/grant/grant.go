// Package grant is the plain-Go model of a PrefixGrant that the pure packages
// (policy engine, authorization index) share. Controllers translate API objects
// into it; nothing here imports Kubernetes or the network.
package grant

import (
	"slices"
	"time"

	"github.com/s3am/s3-access-manager/internal/keys"
)

// SubjectKind says whether a Subject names a user or a group.
type SubjectKind string

// Subject kinds, as in RBAC subjects.
const (
	User  SubjectKind = "User"
	Group SubjectKind = "Group"
)

// Subject is a user or group a grant applies to.
type Subject struct {
	Kind SubjectKind
	Name string
}

// Principal is an authenticated caller: a user name and the groups it belongs to.
type Principal struct {
	User   string
	Groups []string
}

// Has reports whether s names the principal itself or one of its groups.
func (p Principal) Has(s Subject) bool {
	switch s.Kind {
	case User:
		return s.Name == p.User
	case Group:
		return slices.Contains(p.Groups, s.Name)
	}
	return false
}

// Grant gives its subjects permissions on one bucket prefix of one connection.
type Grant struct {
	// Namespace and Name identify the PrefixGrant object.
	Namespace, Name string
	// Connection is the S3Connection name.
	Connection string
	Bucket     string
	// Prefix ends with "/", or is empty for the whole bucket.
	Prefix      string
	Subjects    []Subject
	Permissions Permissions
	// MaxObjectSize limits uploads in bytes; 0 means no limit beyond S3's.
	MaxObjectSize int64
	// AllowedContentTypes limits uploads; empty means any.
	AllowedContentTypes []string
	// ValidUntil is when the grant stops authorizing; zero means never. The
	// index holds only grants inside their window; this tells how long that
	// lasts, e.g. so that a presigned URL need not outlive its grant.
	ValidUntil time.Time
}

// ID is the grant's "namespace/name".
func (g *Grant) ID() string { return g.Namespace + "/" + g.Name }

// Covers reports whether key lies under the grant's prefix, on a segment boundary.
func (g *Grant) Covers(key string) bool { return keys.Covers(g.Prefix, key) }

// AppliesTo reports whether any subject of the grant is p or one of p's groups.
func (g *Grant) AppliesTo(p Principal) bool {
	return slices.ContainsFunc(g.Subjects, p.Has)
}
