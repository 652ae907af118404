package chart_test

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/s3am/s3-access-manager/internal/testenv/repo"
	"github.com/s3am/s3-access-manager/internal/testenv/yamldocs"
)

// update rewrites the chart's generated templates from config/ instead of
// checking them: `go test ./test/chart -run TestGeneratedTemplates -update`.
var update = flag.Bool("update", false, "rewrite the chart's generated templates from config/")

// generatedHeader starts every generated template, so that nobody edits one
// by hand.
const generatedHeader = "{{- /* Generated from %s by `go test ./test/chart -run TestGeneratedTemplates -update`. Do not edit. */}}\n"

// TestGeneratedTemplates checks that the chart's CRDs and the operator's
// ClusterRole and Role are what config/ holds: the CRD specs byte for byte
// (controller-gen writes config/crd/bases), the RBAC rules byte for byte
// (controller-gen writes config/rbac/role.yaml). Only metadata differs: the
// chart's names, labels and helm.sh/resource-policy.
func TestGeneratedTemplates(t *testing.T) {
	want, err := generatedTemplates()
	if err != nil {
		t.Fatal(err)
	}
	chart := chartDir(t)
	for rel, content := range want {
		path := filepath.Join(chart, rel)
		if *update {
			if err := os.WriteFile(path, content, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v: run `go test ./test/chart -run TestGeneratedTemplates -update`", err)
		}
		if !bytes.Equal(got, content) {
			t.Errorf("%s is stale or was edited by hand: run `go test ./test/chart -run TestGeneratedTemplates -update`", rel)
		}
	}
	// No generated template may outlive its source.
	for _, dir := range []string{"templates/crds"} {
		entries, err := os.ReadDir(filepath.Join(chart, dir))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			rel := dir + "/" + e.Name()
			if _, ok := want[rel]; !ok {
				t.Errorf("%s has no source in config/crd/bases: delete it", rel)
			}
		}
	}
}

// generatedTemplates returns the chart's generated templates by path
// relative to the chart.
func generatedTemplates() (map[string][]byte, error) {
	out := map[string][]byte{}
	bases, err := repo.Path("config", "crd", "bases")
	if err != nil {
		return nil, err
	}
	files, err := yamldocs.Files(bases)
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		b, err := crdTemplate(f)
		if err != nil {
			return nil, err
		}
		out["templates/crds/"+filepath.Base(f)] = b
	}
	role, err := repo.Path("config", "rbac", "role.yaml")
	if err != nil {
		return nil, err
	}
	b, err := operatorRoleTemplate(role)
	if err != nil {
		return nil, err
	}
	out["templates/operator/rbac-generated.yaml"] = b
	return out, nil
}

// crdTemplate is a CRD of config/crd/bases as a chart template: gated by
// crds.enabled, kept on uninstall, with the spec copied verbatim.
func crdTemplate(path string) ([]byte, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read CRD: %w", err)
	}
	spec, err := specText(src)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var crd struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Metadata   struct {
			Name        string            `json:"name"`
			Annotations map[string]string `json:"annotations"`
		} `json:"metadata"`
	}
	if err := yaml.Unmarshal(src, &crd); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, generatedHeader, "config/crd/bases/"+filepath.Base(path))
	b.WriteString("{{- if .Values.crds.enabled }}\n")
	fmt.Fprintf(&b, "apiVersion: %s\nkind: %s\nmetadata:\n  name: %s\n  annotations:\n", crd.APIVersion, crd.Kind, crd.Metadata.Name)
	crd.Metadata.Annotations["helm.sh/resource-policy"] = "keep"
	for _, k := range slices.Sorted(maps.Keys(crd.Metadata.Annotations)) {
		fmt.Fprintf(&b, "    %s: %s\n", k, crd.Metadata.Annotations[k])
	}
	b.WriteString("  labels:\n    {{- include \"s3am.labels\" (dict \"ctx\" $) | nindent 4 }}\n")
	b.WriteString(spec)
	b.WriteString("{{- end }}\n")
	return []byte(b.String()), nil
}

// specText returns a manifest's text from its top-level "spec:" line to the
// end.
func specText(src []byte) (string, error) {
	s := string(src)
	i := strings.Index(s, "\nspec:\n")
	if i < 0 {
		return "", errors.New("no top-level spec")
	}
	return s[i+1:], nil
}

// operatorRoleTemplate turns config/rbac/role.yaml (a ClusterRole and a Role
// in the operator's namespace) into the chart's, with the rules verbatim.
func operatorRoleTemplate(path string) ([]byte, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read role: %w", err)
	}
	rules := map[string]string{}
	for _, doc := range strings.Split(string(src), "\n---\n") {
		doc = strings.TrimPrefix(doc, "---\n")
		if strings.TrimSpace(doc) == "" {
			continue
		}
		var head struct {
			Kind string `json:"kind"`
		}
		if err := yaml.Unmarshal([]byte(doc), &head); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		i := strings.Index(doc, "\nrules:\n")
		if i < 0 {
			return nil, fmt.Errorf("%s: %s without rules", path, head.Kind)
		}
		if _, dup := rules[head.Kind]; dup {
			return nil, fmt.Errorf("%s: more than one %s; the chart expects one ClusterRole and one Role", path, head.Kind)
		}
		rules[head.Kind] = strings.TrimSuffix(doc[i+1:], "\n") + "\n"
	}
	if len(rules) != 2 || rules["ClusterRole"] == "" || rules["Role"] == "" {
		return nil, fmt.Errorf("%s: want one ClusterRole and one Role, have %v", path, slices.Sorted(maps.Keys(rules)))
	}
	var b strings.Builder
	fmt.Fprintf(&b, generatedHeader, "config/rbac/role.yaml")
	b.WriteString(`apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: {{ include "s3am.prefix" . }}-operator
  labels:
    {{- include "s3am.labels" (dict "ctx" $ "component" "operator") | nindent 4 }}
`)
	b.WriteString(rules["ClusterRole"])
	b.WriteString(`---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: {{ include "s3am.prefix" . }}-operator
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "s3am.labels" (dict "ctx" $ "component" "operator") | nindent 4 }}
`)
	b.WriteString(rules["Role"])
	return []byte(b.String()), nil
}
