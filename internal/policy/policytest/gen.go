package policytest

import (
	"math/rand/v2"
	"strings"

	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/keys"
)

// Gen draws the random pieces the property tests build their cases from.
// Each draw takes the same numbers from the source, in the same order, as
// the generators it replaces did, so a seed finds the same cases.
type Gen struct{ *rand.Rand }

// Pick is one of xs.
func (g Gen) Pick(xs []string) string { return xs[g.IntN(len(xs))] }

// Join is n picks from from, joined by "/".
func (g Gen) Join(from []string, n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = g.Pick(from)
	}
	return strings.Join(parts, "/")
}

// Parent is a random proper parent folder of prefix, or "" for the bucket
// root.
func (g Gen) Parent(prefix string) string {
	ps := keys.Parents(prefix)
	if len(ps) == 0 {
		return ""
	}
	return ps[g.IntN(len(ps))]
}

// Subjects is one or more users and groups of a grant.
func (g Gen) Subjects(users, groups []string) []grant.Subject {
	var subjects []grant.Subject
	for len(subjects) == 0 || g.IntN(3) == 0 {
		if g.IntN(2) == 0 {
			subjects = append(subjects, grant.Subject{Kind: grant.User, Name: g.Pick(users)})
		} else {
			subjects = append(subjects, grant.Subject{Kind: grant.Group, Name: g.Pick(groups)})
		}
	}
	return subjects
}

// Principal is one of users with each of groups drawn one time in oneIn.
func (g Gen) Principal(users, groups []string, oneIn int) grant.Principal {
	p := grant.Principal{User: g.Pick(users)}
	for _, group := range groups {
		if g.IntN(oneIn) == 0 {
			p.Groups = append(p.Groups, group)
		}
	}
	return p
}
