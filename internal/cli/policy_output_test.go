package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/s3am/s3-access-manager/internal/policy"
)

// TestPolicyRenderJSONIsPureJSON: -o json prints nothing but JSON (the text
// format's "#" lines broke `| jq`), one document as itself.
func TestPolicyRenderJSONIsPureJSON(t *testing.T) {
	stdout, stderr, code := run(t, "policy", "render", "-f", samples(t), "--subject", "user:alice@partner-a.com", "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var doc policy.Document
	dec := json.NewDecoder(strings.NewReader(stdout))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("-o json is not one policy document: %v\n%s", err, stdout)
	}
	if dec.More() {
		t.Fatalf("-o json prints more than one value:\n%s", stdout)
	}
	if doc.Version != "2012-10-17" || len(doc.Statement) == 0 || !strings.Contains(stdout, "partner-a/uploads/*") {
		t.Errorf("alice's session policy is not what -o text prints:\n%s", stdout)
	}

	text, _, _ := run(t, "policy", "render", "-f", samples(t), "--subject", "user:alice@partner-a.com")
	_, body, _ := strings.Cut(text, "\n")
	var fromText policy.Document
	if err := json.Unmarshal([]byte(body), &fromText); err != nil {
		t.Fatalf("text output: %v", err)
	}
	if a, b := mustJSON(t, doc), mustJSON(t, fromText); a != b {
		t.Errorf("-o json and -o text differ:\n%s\n%s", a, b)
	}
}

// TestPolicyRenderSeveralDocumentsIsAnArray: documents of two connections
// come out as one JSON array, and -o yaml is the same value.
func TestPolicyRenderSeveralDocumentsIsAnArray(t *testing.T) {
	dir := t.TempDir()
	entries, err := os.ReadDir(samples(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(samples(t), e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(dir, e.Name()), string(b))
	}
	writeFile(t, filepath.Join(dir, "90-second.yaml"), `apiVersion: s3am.io/v1alpha1
kind: S3Connection
metadata:
  name: archive
spec:
  provider: AWS
  accountID: "123456789012"
  region: eu-west-1
  auth:
    podIdentity: {}
---
apiVersion: s3am.io/v1alpha1
kind: PrefixGrant
metadata:
  name: alice-archive
  namespace: s3am-system
spec:
  connection: archive
  bucket: partner-archive
  prefix: partner-a/
  subjects:
    - kind: User
      name: alice@partner-a.com
  permissions: [read]
`)
	docs, stdout := renderDocuments(t, dir, "json", json.Unmarshal)
	if len(docs) != 2 || !strings.Contains(stdout, "partner-archive/partner-a/") || !strings.Contains(stdout, "partner-b/uploads/*") {
		t.Errorf("want the two connections' documents, got %d:\n%s", len(docs), stdout)
	}

	fromYAML, _ := renderDocuments(t, dir, "yaml", func(b []byte, v any) error { return yaml.Unmarshal(b, v) })
	if a, b := mustJSON(t, fromYAML), mustJSON(t, docs); a != b {
		t.Errorf("-o yaml and -o json differ:\n%s\n%s", a, b)
	}
}

func TestPolicyRenderUnknownOutputExitsTwo(t *testing.T) {
	stdout, stderr, code := run(t, "policy", "render", "-f", samples(t), "-o", "xml")
	if code != 2 || stdout != "" || !strings.Contains(stderr, "text, json or yaml") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

// renderDocuments runs `policy render -f dir -o format` and decodes its
// output, which must be an array of documents, with unmarshal.
func renderDocuments(t *testing.T, dir, format string, unmarshal func([]byte, any) error) ([]policy.Document, string) {
	t.Helper()
	stdout, stderr, code := run(t, "policy", "render", "-f", dir, "-o", format)
	if code != 0 {
		t.Fatalf("-o %s: exit %d: %s", format, code, stderr)
	}
	var docs []policy.Document
	if err := unmarshal([]byte(stdout), &docs); err != nil {
		t.Fatalf("-o %s with two connections is not an array of documents: %v\n%s", format, err, stdout)
	}
	return docs, stdout
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
