package chart_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestTemplatesWriteNoSecretValues checks the templates themselves, every
// branch included, not only the rendered variants: no template renders a
// ConfigMap, and no container env variable has a literal value (env takes
// values from the pod's fields or from Secrets only).
func TestTemplatesWriteNoSecretValues(t *testing.T) {
	envValue := regexp.MustCompile(`(?m)^\s*(- )?value:`)
	err := filepath.WalkDir(filepath.Join(chartDir(t), "templates"), func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.Contains(path, string(filepath.Separator)+"crds"+string(filepath.Separator)) {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if strings.Contains(string(b), "kind: ConfigMap") {
			t.Errorf("%s renders a ConfigMap", path)
		}
		if envValue.Match(b) {
			t.Errorf("%s has an env literal (value:); take it from a fieldRef or a secretKeyRef", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestValuesTakeNoSecrets checks values.schema.json: no value may hold a
// secret itself, only name an existing Secret (existingSecret and key) or a
// TLS Secret, so a secret never lands in a values file or Helm's release
// history.
func TestValuesTakeNoSecrets(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(chartDir(t), "values.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	var schema map[string]any
	if err := json.Unmarshal(b, &schema); err != nil {
		t.Fatal(err)
	}
	// secretRefs are the objects naming a Secret: existingSecret and key.
	secretRefs := []string{"clientSecret", "session", "postgres"}
	allowed := append([]string{"existingSecret", "key", "tlsSecretName", "imagePullSecrets"}, secretRefs...)
	var walk func(path string, node map[string]any)
	walk = func(path string, node map[string]any) {
		props, _ := node["properties"].(map[string]any)
		for name, p := range props {
			if secretish.MatchString(name) && !slices.Contains(allowed, name) {
				t.Errorf("value %s.%s looks like it takes a secret; take an existingSecret instead", path, name)
			}
			pm, ok := p.(map[string]any)
			if !ok {
				continue
			}
			if slices.Contains(secretRefs, name) {
				sub, _ := pm["properties"].(map[string]any)
				for k := range sub {
					if k != "existingSecret" && k != "key" {
						t.Errorf("value %s.%s.%s: a secret reference takes existingSecret and key only", path, name, k)
					}
				}
			}
			walk(path+"."+name, pm)
		}
		if ref, ok := node["$ref"].(string); ok {
			def := strings.TrimPrefix(ref, "#/definitions/")
			if d, ok := schema["definitions"].(map[string]any)[def].(map[string]any); ok {
				walk(path, d)
			}
		}
	}
	walk("", schema)
	for _, name := range secretRefs {
		if !strings.Contains(string(b), `"`+name+`"`) {
			t.Errorf("values.schema.json has no %s; update this test", name)
		}
	}
}
