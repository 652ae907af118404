package delegation

import (
	"fmt"
	"strings"

	"github.com/s3am/s3-access-manager/internal/keys"
)

// Target is what a grant asks for: a prefix of a bucket, or the whole bucket.
type Target struct {
	Bucket string
	// Prefix ends with "/"; it is empty when WholeBucket is set.
	Prefix      string
	WholeBucket bool
}

// validate refuses a target no grant may have: Covers compares prefixes as
// strings, so "a/../b/" would pass for a scope "a/".
func (t Target) validate() error {
	if err := keys.ValidateBucket(t.Bucket); err != nil {
		return err
	}
	if t.WholeBucket {
		if t.Prefix != "" {
			return fmt.Errorf("a whole-bucket target has prefix %q; it must have none", t.Prefix)
		}
		return nil
	}
	return keys.ValidateGrantPrefix(t.Prefix)
}

// String names the target as the messages do: "bucket/prefix/" or
// "bucket (whole bucket)".
func (t Target) String() string {
	if t.WholeBucket {
		return t.Bucket + " (whole bucket)"
	}
	return t.Bucket + "/" + t.Prefix
}

// Scope is part of a bucket a namespace may grant: a prefix, or the whole
// bucket when Prefix is empty.
type Scope struct {
	Bucket string
	Prefix string
}

// String names the scope as the messages do: "bucket/prefix/" or
// "bucket (whole bucket)".
func (s Scope) String() string {
	if s.Prefix == "" {
		return s.Bucket + " (whole bucket)"
	}
	return s.Bucket + "/" + s.Prefix
}

// Covers reports whether a grant on t stays inside the scope. A whole-bucket
// grant needs a whole-bucket scope; a prefix grant needs a scope prefix that is
// the same folder or a parent of it, on a segment boundary.
func (s Scope) Covers(t Target) bool {
	if s.Bucket != t.Bucket {
		return false
	}
	if t.WholeBucket {
		return s.Prefix == ""
	}
	return keys.Covers(s.Prefix, t.Prefix)
}

// validate refuses a scope that could cover more than it says: a prefix
// without its trailing "/" would match sibling folders by string prefix.
func (s Scope) validate() error {
	if err := keys.ValidateBucket(s.Bucket); err != nil {
		return err
	}
	if s.Prefix != "" {
		return keys.ValidateGrantPrefix(s.Prefix)
	}
	return nil
}

// FormatScopes joins scopes for a message: "partner-data/partner-b/,
// other-bucket (whole bucket)".
func FormatScopes(scopes []Scope) string {
	names := make([]string, len(scopes))
	for i, s := range scopes {
		names[i] = s.String()
	}
	return strings.Join(names, ", ")
}
