package authz_test

import (
	"testing"

	"github.com/s3am/s3-access-manager/internal/authz"
	"github.com/s3am/s3-access-manager/internal/grant"
)

// TestValidateGrantIsUpsert: ValidateGrant refuses exactly what Upsert
// refuses.
func TestValidateGrantIsUpsert(t *testing.T) {
	ok := mkGrant("ns", "g", "a/", perms(grant.Read), user("alice"))
	for name, mutate := range map[string]func(*grant.Grant){
		"valid":           func(*grant.Grant) {},
		"whole bucket":    func(g *grant.Grant) { g.Prefix = "" },
		"no namespace":    func(g *grant.Grant) { g.Namespace = "" },
		"no connection":   func(g *grant.Grant) { g.Connection = "" },
		"bad bucket":      func(g *grant.Grant) { g.Bucket = "Data" },
		"no slash":        func(g *grant.Grant) { g.Prefix = "a" },
		"dot segment":     func(g *grant.Grant) { g.Prefix = "a/../" },
		"unknown kind":    func(g *grant.Grant) { g.Subjects = []grant.Subject{{Kind: "Robot", Name: "r"}} },
		"unnamed subject": func(g *grant.Grant) { g.Subjects = []grant.Subject{{Kind: grant.Group}} },
	} {
		g := ok
		g.Subjects = append([]grant.Subject(nil), ok.Subjects...)
		mutate(&g)
		verr := authz.ValidateGrant(g)
		uerr := authz.New().Upsert(g)
		if (verr == nil) != (uerr == nil) || verr != nil && verr.Error() != uerr.Error() {
			t.Errorf("%s: ValidateGrant %v, Upsert %v", name, verr, uerr)
		}
		if (verr == nil) != (name == "valid" || name == "whole bucket") {
			t.Errorf("%s: ValidateGrant %v", name, verr)
		}
	}
}
