// Package policytest holds what the property tests of grants against IAM
// policies share: internal/policy's (generated policies against the
// evaluator) and internal/authz's (the index against the policies).
package policytest

import (
	"slices"

	"github.com/s3am/s3-access-manager/internal/grant"
)

// ShrinkGrants removes grants, then single permissions and subjects, while
// fails still holds for what is left, so that a failing case is shown at
// the smallest size found. It never modifies grants.
func ShrinkGrants(grants []grant.Grant, fails func([]grant.Grant) bool) []grant.Grant {
	for changed := true; changed; {
		changed = false
		for i := range grants {
			smaller := slices.Delete(slices.Clone(grants), i, i+1)
			if fails(smaller) {
				grants, changed = smaller, true
				break
			}
		}
		if changed {
			continue
		}
		for i := range grants {
			for _, perm := range grants[i].Permissions.List() {
				smaller := slices.Clone(grants)
				smaller[i].Permissions &^= grant.Permissions(perm)
				if fails(smaller) {
					grants, changed = smaller, true
				}
			}
			for j := 0; j < len(grants[i].Subjects) && len(grants[i].Subjects) > 1; j++ {
				smaller := slices.Clone(grants)
				smaller[i].Subjects = slices.Delete(slices.Clone(grants[i].Subjects), j, j+1)
				if fails(smaller) {
					grants, changed = smaller, true
					break
				}
			}
		}
	}
	return grants
}
