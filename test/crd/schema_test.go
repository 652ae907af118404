package crd_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"sigs.k8s.io/yaml"

	"github.com/s3am/s3-access-manager/internal/testenv/repo"
)

// TestEveryFieldDocumented walks both CRD schemas: every property has a description.
func TestEveryFieldDocumented(t *testing.T) {
	for _, name := range []string{"s3am.io_prefixgrants.yaml", "s3am.io_s3connections.yaml", "s3am.io_accesslinks.yaml"} {
		path := repo.MustPath(t, "config", "crd", "bases", name)
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var crd apiextensionsv1.CustomResourceDefinition
		if err := yaml.Unmarshal(b, &crd); err != nil {
			t.Fatal(err)
		}
		for _, v := range crd.Spec.Versions {
			for _, field := range []string{"spec", "status"} {
				s := v.Schema.OpenAPIV3Schema.Properties[field]
				undocumented(t, crd.Spec.Names.Kind+"."+field, s)
			}
		}
	}
}

func undocumented(t *testing.T, path string, s apiextensionsv1.JSONSchemaProps) {
	t.Helper()
	if strings.TrimSpace(s.Description) == "" {
		t.Errorf("%s has no description", path)
	}
	for name, p := range s.Properties {
		undocumented(t, path+"."+name, p)
	}
	if s.Items != nil && s.Items.Schema != nil && len(s.Items.Schema.Properties) > 0 {
		for name, p := range s.Items.Schema.Properties {
			undocumented(t, path+"[]."+name, p)
		}
	}
}

// TestKubectlExplain checks what a user sees with kubectl explain: every spec
// field of PrefixGrant is listed with its documentation.
func TestKubectlExplain(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := env.Kubectl(ctx, "", "explain", "prefixgrant.spec", "--recursive")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"connection", "bucket", "prefix", "wholeBucket", "subjects", "kind", "name", "permissions", "validFrom", "validUntil", "upload", "maxObjectSize", "allowedContentTypes"} {
		if !strings.Contains(out, f) {
			t.Errorf("kubectl explain prefixgrant.spec --recursive lacks %q:\n%s", f, out)
		}
	}
	out, err = env.Kubectl(ctx, "", "explain", "prefixgrant.spec.prefix")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "path-segment boundary") {
		t.Errorf("kubectl explain prefixgrant.spec.prefix does not document matching:\n%s", out)
	}
}

// TestPrinterColumnsAndShortNames checks kubectl get with the short names.
func TestPrinterColumnsAndShortNames(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	dir := repo.MustPath(t, "config", "samples")
	if _, err := env.Kubectl(ctx, "", "apply", "-f", dir); err != nil {
		t.Fatal(err)
	}
	out, err := env.Kubectl(ctx, "", "get", "grant", "-A")
	if err != nil {
		t.Fatal(err)
	}
	header := strings.Fields(strings.SplitN(out, "\n", 2)[0])
	want := []string{"NAMESPACE", "NAME", "CONNECTION", "BUCKET", "PREFIX", "PERMISSIONS", "READY", "AGE"}
	if strings.Join(header, " ") != strings.Join(want, " ") {
		t.Errorf("kubectl get grant -A header = %v, want %v", header, want)
	}
	if !strings.Contains(out, "partner-a/uploads/") || !strings.Contains(out, `["write","list"]`) {
		t.Errorf("kubectl get grant -A lacks alice's grant:\n%s", out)
	}
	out, err = env.Kubectl(ctx, "", "get", "s3c")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "partner-data-prod") || !strings.Contains(out, "PROVIDER") {
		t.Errorf("kubectl get s3c:\n%s", out)
	}
}
