package validation_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/s3am/s3-access-manager/internal/testenv/controlplane"
	"github.com/s3am/s3-access-manager/internal/testenv/yamldocs"
)

// row is one document of testdata/bad-inputs.yaml; the file explains the fields.
type row struct {
	Row        string           `json:"row"`
	Layer      string           `json:"layer"`
	Expect     string           `json:"expect"`
	ExpectGo   string           `json:"expectGo"`
	SchemaOnly string           `json:"schemaOnly"`
	Setup      []map[string]any `json:"setup"`
	Object     map[string]any   `json:"object"`
}

const (
	layerSchema  = "schema"
	layerWebhook = "webhook"
)

// goExpect is what the Go validator's error must contain.
func (r row) goExpect() string {
	if r.ExpectGo != "" {
		return r.ExpectGo
	}
	return r.Expect
}

// loadRows reads and checks the table.
func loadRows() ([]row, error) {
	docs, err := yamldocs.ReadFiles(filepath.Join("testdata", "bad-inputs.yaml"))
	if err != nil {
		return nil, err
	}
	var rows []row
	seen := map[string]bool{}
	for i, doc := range docs {
		var r row
		if err := json.Unmarshal(doc, &r); err != nil {
			return nil, fmt.Errorf("bad-inputs.yaml document %d: %w", i, err)
		}
		if r.Layer == "" {
			r.Layer = layerSchema
		}
		switch {
		case r.Row == "" || r.Expect == "" || r.Object == nil:
			return nil, fmt.Errorf("bad-inputs.yaml document %d: row, expect and object are required", i)
		case seen[r.Row]:
			return nil, fmt.Errorf("bad-inputs.yaml: row %q appears twice", r.Row)
		case r.Layer != layerSchema && r.Layer != layerWebhook:
			return nil, fmt.Errorf("bad-inputs.yaml row %q: layer %q is neither schema nor webhook", r.Row, r.Layer)
		case r.SchemaOnly != "" && r.Layer != layerSchema:
			return nil, fmt.Errorf("bad-inputs.yaml row %q: only schema rows can be schemaOnly", r.Row)
		}
		seen[r.Row] = true
		rows = append(rows, r)
	}
	return rows, nil
}

// jsonOf renders an object of the table for kubectl, which reads JSON as
// well as YAML; JSON keeps control characters and long strings exact.
func jsonOf(obj map[string]any) (string, error) {
	b, err := json.Marshal(obj)
	return string(b), err
}

// objectName is "kind/name" for messages and kubectl delete.
func objectName(obj map[string]any) string {
	u := unstructured.Unstructured{Object: obj}
	return u.GetKind() + "/" + u.GetName()
}

// applyObject applies obj with kubectl and returns kubectl's output.
func applyObject(ctx context.Context, env *controlplane.Env, obj map[string]any) (string, error) {
	j, err := jsonOf(obj)
	if err != nil {
		return "", err
	}
	return env.Kubectl(ctx, j, "apply", "-f", "-")
}

// deleteObject deletes obj if it exists. It does not wait for finalizers:
// the test objects have none, except Namespaces, which never finish
// terminating on a control plane without a namespace controller.
func deleteObject(ctx context.Context, env *controlplane.Env, obj map[string]any) error {
	j, err := jsonOf(obj)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	_, err = env.Kubectl(ctx, j, "delete", "--ignore-not-found", "--wait=false", "-f", "-")
	return err
}

// lines trims kubectl output for failure messages.
func lines(s string) string { return strings.TrimSpace(s) }

// errorf is fmt.Errorf, for the retry loops of the admission tests.
func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }
