package crd_test

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/s3am/s3-access-manager/internal/testenv/repo"
	"github.com/s3am/s3-access-manager/internal/testenv/yamldocs"
)

// TestSamplesApplyAndReadBack applies config/samples with the built kubectl and
// checks that every field written comes back with the same value.
func TestSamplesApplyAndReadBack(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir := repo.MustPath(t, "config", "samples")
	out, err := env.Kubectl(ctx, "", "apply", "-f", dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(out)

	for _, want := range readSamples(t, dir) {
		args := []string{"get", strings.ToLower(want.GetKind()), want.GetName(), "-o", "json"}
		if ns := want.GetNamespace(); ns != "" {
			args = append(args, "-n", ns)
		}
		live, err := env.Kubectl(ctx, "", args...)
		if err != nil {
			t.Fatal(err)
		}
		var got map[string]any
		if err := json.Unmarshal([]byte(live), &got); err != nil {
			t.Fatal(err)
		}
		for _, field := range []string{"spec", "metadata.labels", "metadata.annotations"} {
			w, _, _ := unstructured.NestedFieldNoCopy(want.Object, strings.Split(field, ".")...)
			g, _, _ := unstructured.NestedFieldNoCopy(got, strings.Split(field, ".")...)
			if path, ok := subset(w, g); !ok {
				t.Errorf("%s %s: %s.%s reads back differently:\nwrote %v\nread  %v", want.GetKind(), want.GetName(), field, path, w, g)
			}
		}
	}
}

// subset reports whether every value in want is present, equal, in got.
// Defaults the API server adds are allowed; changed or dropped values are not.
func subset(want, got any) (string, bool) {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return "", false
		}
		for k, wv := range w {
			if p, ok := subset(wv, g[k]); !ok {
				return k + "." + p, false
			}
		}
		return "", true
	case nil:
		return "", true
	default:
		return "", reflect.DeepEqual(want, got)
	}
}

func readSamples(t *testing.T, dir string) []*unstructured.Unstructured {
	t.Helper()
	files, err := yamldocs.Files(dir)
	if err != nil {
		t.Fatal(err)
	}
	maps, err := yamldocs.Maps(files...)
	if err != nil {
		t.Fatal(err)
	}
	objs := make([]*unstructured.Unstructured, 0, len(maps))
	for _, m := range maps {
		objs = append(objs, &unstructured.Unstructured{Object: m})
	}
	return objs
}
