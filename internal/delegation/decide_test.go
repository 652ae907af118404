package delegation

import (
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
)

const operatorNS = "s3am-system"

// connection delegates partner-data/partner-b/ and the whole of other-bucket
// to team-b by name, and shared-data/tenants/ to namespaces labelled
// s3am.io/tenant=true.
func connection() *v1alpha1.S3Connection {
	c := &v1alpha1.S3Connection{}
	c.Name = "prod"
	c.Spec.Delegations = []v1alpha1.Delegation{
		{
			Namespaces: []string{"team-b"},
			Scopes: []v1alpha1.BucketScope{
				{Bucket: "partner-data", Prefix: "partner-b/"},
				{Bucket: "other-bucket"},
			},
		},
		{
			NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"s3am.io/tenant": "true"}},
			Scopes:            []v1alpha1.BucketScope{{Bucket: "shared-data", Prefix: "tenants/"}},
		},
	}
	return c
}

func TestDecide(t *testing.T) {
	tenant := map[string]string{"s3am.io/tenant": "true"}
	cases := []struct {
		name    string
		ns      Namespace
		target  Target
		allowed bool
		message string
	}{
		{"operator namespace, any prefix", Namespace{Name: operatorNS}, Target{Bucket: "anything", Prefix: "x/"}, true, "operator's namespace"},
		{"operator namespace, whole bucket", Namespace{Name: operatorNS}, Target{Bucket: "anything", WholeBucket: true}, true, "may grant anything"},
		{"undelegated namespace", Namespace{Name: "team-x"}, Target{Bucket: "partner-data", Prefix: "partner-b/"}, false,
			`namespace "team-x" may not grant partner-data/partner-b/ on connection "prod": no delegation`},
		{"scope itself", Namespace{Name: "team-b"}, Target{Bucket: "partner-data", Prefix: "partner-b/"}, true, "within its delegated scopes"},
		{"inside scope", Namespace{Name: "team-b"}, Target{Bucket: "partner-data", Prefix: "partner-b/in/"}, true, ""},
		{"sibling sharing a string prefix", Namespace{Name: "team-b"}, Target{Bucket: "partner-data", Prefix: "partner-bb/"}, false,
			"it may grant only partner-data/partner-b/, other-bucket (whole bucket)"},
		{"parent of scope", Namespace{Name: "team-b"}, Target{Bucket: "partner-data", Prefix: "partner/"}, false, "may grant only"},
		{"whole bucket over a prefix scope", Namespace{Name: "team-b"}, Target{Bucket: "partner-data", WholeBucket: true}, false,
			"may not grant partner-data (whole bucket)"},
		{"whole bucket scope, whole bucket grant", Namespace{Name: "team-b"}, Target{Bucket: "other-bucket", WholeBucket: true}, true, ""},
		{"whole bucket scope, prefix grant", Namespace{Name: "team-b"}, Target{Bucket: "other-bucket", Prefix: "a/b/"}, true, ""},
		{"other bucket", Namespace{Name: "team-b"}, Target{Bucket: "third-bucket", Prefix: "partner-b/"}, false, "may grant only"},
		{"selector matches", Namespace{Name: "team-s", Labels: tenant}, Target{Bucket: "shared-data", Prefix: "tenants/s/"}, true, ""},
		{"selector matches, outside", Namespace{Name: "team-s", Labels: tenant}, Target{Bucket: "shared-data", Prefix: "admin/"}, false,
			"it may grant only shared-data/tenants/"},
		{"selector does not match", Namespace{Name: "team-s", Labels: map[string]string{"s3am.io/tenant": "false"}},
			Target{Bucket: "shared-data", Prefix: "tenants/s/"}, false, "no delegation"},
		{"named and selected", Namespace{Name: "team-b", Labels: tenant}, Target{Bucket: "shared-data", Prefix: "tenants/b/"}, true,
			"partner-data/partner-b/, other-bucket (whole bucket), shared-data/tenants/"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Decide(operatorNS, tc.ns, connection(), tc.target)
			if err != nil {
				t.Fatalf("Decide: %v", err)
			}
			if d.Allowed != tc.allowed {
				t.Fatalf("Allowed = %v, want %v (%s)", d.Allowed, tc.allowed, d.Message())
			}
			if !strings.Contains(d.Message(), tc.message) {
				t.Errorf("Message() = %q, want it to contain %q", d.Message(), tc.message)
			}
		})
	}
}

func TestScopesForDeduplicates(t *testing.T) {
	c := connection()
	c.Spec.Delegations = append(c.Spec.Delegations, v1alpha1.Delegation{
		Namespaces: []string{"team-b"},
		Scopes:     []v1alpha1.BucketScope{{Bucket: "other-bucket"}, {Bucket: "partner-data", Prefix: "partner-c/"}},
	})
	scopes, err := ScopesFor(Namespace{Name: "team-b"}, c.Spec.Delegations)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := FormatScopes(scopes), "partner-data/partner-b/, other-bucket (whole bucket), partner-data/partner-c/"; got != want {
		t.Errorf("scopes = %q, want %q", got, want)
	}
}

// TestDecideSkipsInvalidDelegations: a bad selector or a scope prefix without
// its trailing "/" (possible under an older schema) grants nothing, and the
// error names it, while the valid delegations still apply.
func TestDecideSkipsInvalidDelegations(t *testing.T) {
	c := connection()
	c.Spec.Delegations = append(c.Spec.Delegations,
		v1alpha1.Delegation{
			NamespaceSelector: &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "team", Operator: "Contains", Values: []string{"b"}}}},
			Scopes:            []v1alpha1.BucketScope{{Bucket: "partner-data"}},
		},
		v1alpha1.Delegation{
			Namespaces: []string{"team-b"},
			Scopes:     []v1alpha1.BucketScope{{Bucket: "partner-data", Prefix: "partner-c"}},
		},
	)
	d, err := Decide(operatorNS, Namespace{Name: "team-b"}, c, Target{Bucket: "partner-data", Prefix: "partner-cc/"})
	if d.Allowed {
		t.Fatalf("a scope without its trailing slash allowed a sibling folder: %s", d.Message())
	}
	if err == nil || !strings.Contains(err.Error(), "delegations[2]: namespaceSelector skipped") || !strings.Contains(err.Error(), "delegations[3].scopes[0] skipped") {
		t.Errorf("error = %v, want both skipped delegations named", err)
	}
	d, _ = Decide(operatorNS, Namespace{Name: "team-b"}, c, Target{Bucket: "partner-data", Prefix: "partner-b/x/"})
	if !d.Allowed {
		t.Errorf("valid delegation no longer applies: %s", d.Message())
	}
}

func TestDecideRefusesInvalidTargets(t *testing.T) {
	for _, target := range []Target{
		{Bucket: "partner-data", Prefix: "partner-b/../partner-a/"},
		{Bucket: "partner-data", Prefix: "partner-b"},
		{Bucket: "partner-data", Prefix: "partner-b/", WholeBucket: true},
		{Bucket: "Partner-Data", Prefix: "partner-b/"},
	} {
		for _, ns := range []string{operatorNS, "team-b"} {
			d, err := Decide(operatorNS, Namespace{Name: ns}, connection(), target)
			if d.Allowed || err == nil {
				t.Errorf("%s in %s: allowed=%v err=%v, want refused with an error", target, ns, d.Allowed, err)
			}
			if !strings.Contains(d.Message(), "may not grant") {
				t.Errorf("message %q does not refuse", d.Message())
			}
		}
	}
}

func TestEmptySelectorSelectsEveryNamespace(t *testing.T) {
	dels := []v1alpha1.Delegation{{NamespaceSelector: &metav1.LabelSelector{}, Scopes: []v1alpha1.BucketScope{{Bucket: "public-data"}}}}
	scopes, err := ScopesFor(Namespace{Name: "anyone"}, dels)
	if err != nil || len(scopes) != 1 {
		t.Errorf("scopes = %v, %v; want the public-data scope", scopes, err)
	}
}

func TestNoOperatorNamespaceGrantsNothingForFree(t *testing.T) {
	d, _ := Decide("", Namespace{Name: ""}, connection(), Target{Bucket: "partner-data", Prefix: "x/"})
	if d.Allowed {
		t.Error("an empty operator namespace made the empty namespace all-powerful")
	}
}
