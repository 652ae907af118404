// Package linkapi reads the links rules' inputs from AccessLink objects, for
// the controller and the server alike.
package linkapi

import (
	"github.com/s3am/s3-access-manager/api/v1alpha1"
	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/links"
)

// State is the link's usability state.
func State(l *v1alpha1.AccessLink) links.State {
	s := links.State{Revoked: l.Spec.Revoked, ExpiresAt: l.Spec.ExpiresAt.Time, Uses: l.Status.Uses}
	if l.Spec.MaxUses != nil {
		s.MaxUses = *l.Spec.MaxUses
	}
	return s
}

// Creator is the principal whose grants the link uses.
func Creator(l *v1alpha1.AccessLink) grant.Principal {
	return grant.Principal{User: l.Spec.Creator.User, Groups: l.Spec.Creator.Groups}
}

// ID names the link as "namespace/name".
func ID(l *v1alpha1.AccessLink) string { return l.Namespace + "/" + l.Name }

// MaxFileSize is the link's upload size bound in bytes, 0 for none.
func MaxFileSize(l *v1alpha1.AccessLink) int64 {
	if l.Spec.MaxFileSize == nil {
		return 0
	}
	return l.Spec.MaxFileSize.Value()
}
