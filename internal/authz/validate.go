package authz

import "github.com/s3am/s3-access-manager/internal/grant"

// ValidateGrant returns the error Upsert would refuse g with (no namespace,
// name or connection, an invalid bucket or prefix, a subject of unknown kind
// or without a name), or nil when the index would hold it. Reviews use it so
// that they never list as in effect a grant the index refuses.
func ValidateGrant(g grant.Grant) error {
	_, err := newRecord(&g)
	return err
}
