package webhook

import (
	"os"
	"strings"
	"testing"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"sigs.k8s.io/yaml"

	"github.com/s3am/s3-access-manager/internal/testenv/repo"
)

// TestGoChecksMatchTheSchema compares the patterns and limits the Go checks
// copy with the generated CRDs, so that a marker changed in api/ without the
// webhook following fails here rather than letting the two layers disagree.
func TestGoChecksMatchTheSchema(t *testing.T) {
	grant := specSchema(t, "s3am.io_prefixgrants.yaml")
	conn := specSchema(t, "s3am.io_s3connections.yaml")
	patterns := []struct {
		schema apiextensionsv1.JSONSchemaProps
		path   string
		goRE   string
	}{
		{grant, "upload.allowedContentTypes[]", contentTypePattern.String()},
		{conn, "endpoint", endpointPattern.String()},
		{conn, "accountID", accountIDPattern.String()},
		{conn, "region", regionPattern.String()},
		{conn, "auth.assumeRole.roleARN", roleARNPattern.String()},
		{conn, "auth.assumeRole.externalID", externalIDPattern.String()},
		{conn, "auth.assumeRole.sessionName", sessionPattern.String()},
		{conn, "kms.keyARN", keyARNPattern.String()},
		{conn, "iam.roleName", iamNamePattern.String()},
		{conn, "iam.user", iamNamePattern.String()},
	}
	for _, p := range patterns {
		if got := property(t, p.schema, p.path).Pattern; got != p.goRE {
			t.Errorf("%s: schema pattern %q, Go checks %q", p.path, got, p.goRE)
		}
	}
	limits := []struct {
		schema apiextensionsv1.JSONSchemaProps
		path   string
		max    func(apiextensionsv1.JSONSchemaProps) *int64
		goMax  int
	}{
		{grant, "subjects", maxItems, maxSubjects},
		{grant, "subjects[].name", maxLength, maxSubjectNameLen},
		{grant, "upload.allowedContentTypes", maxItems, maxContentTypes},
		{grant, "upload.allowedContentTypes[]", maxLength, maxContentTypeLen},
		{grant, "connection", maxLength, maxConnectionLength},
		{conn, "endpoint", maxLength, maxEndpointLength},
		{conn, "delegations", maxItems, maxDelegations},
		{conn, "delegations[].namespaces", maxItems, maxDelegationNames},
		{conn, "delegations[].scopes", maxItems, maxScopes},
		{conn, "auth.assumeRole.roleARN", maxLength, maxRoleARNLength},
		{conn, "auth.assumeRole.externalID", maxLength, maxExternalIDLength},
		{conn, "kms.keyARN", maxLength, maxKeyARNLength},
		{conn, "iam.roleName", maxLength, maxRoleNameLength},
		{conn, "iam.user", maxLength, maxIAMUserLength},
	}
	for _, l := range limits {
		got := l.max(property(t, l.schema, l.path))
		if got == nil || *got != int64(l.goMax) {
			t.Errorf("%s: schema limit %v, Go checks %d", l.path, deref(got), l.goMax)
		}
	}
	if got := property(t, conn, "auth.assumeRole.externalID").MinLength; got == nil || *got != minExternalIDLength {
		t.Errorf("auth.assumeRole.externalID: schema minLength %v, Go checks %d", deref(got), minExternalIDLength)
	}
}

func maxItems(s apiextensionsv1.JSONSchemaProps) *int64  { return s.MaxItems }
func maxLength(s apiextensionsv1.JSONSchemaProps) *int64 { return s.MaxLength }

func deref(p *int64) any {
	if p == nil {
		return "none"
	}
	return *p
}

func specSchema(t *testing.T, file string) apiextensionsv1.JSONSchemaProps {
	t.Helper()
	path, err := repo.Path("config", "crd", "bases", file)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var crd apiextensionsv1.CustomResourceDefinition
	if err := yaml.Unmarshal(b, &crd); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return crd.Spec.Versions[0].Schema.OpenAPIV3Schema.Properties["spec"]
}

// property walks a dotted path; "name[]" steps into a list's items.
func property(t *testing.T, s apiextensionsv1.JSONSchemaProps, path string) apiextensionsv1.JSONSchemaProps {
	t.Helper()
	for _, step := range strings.Split(path, ".") {
		name, items := strings.CutSuffix(step, "[]")
		next, ok := s.Properties[name]
		if !ok {
			t.Fatalf("schema has no %s (at %q)", path, name)
		}
		s = next
		if items {
			if s.Items == nil || s.Items.Schema == nil {
				t.Fatalf("schema %s is no list", path)
			}
			s = *s.Items.Schema
		}
	}
	return s
}
