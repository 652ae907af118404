package chart_test

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/s3am/s3-access-manager/internal/testenv/controlplane"
	"github.com/s3am/s3-access-manager/internal/testenv/repo"
	"github.com/s3am/s3-access-manager/internal/testenv/yamldocs"
)

// TestKustomizeMatchesChart goes beyond `make chart-parity` (kinds and
// names): every object of `kubectl kustomize config/default` equals the
// chart's (default values, cert-manager on) field by field, once the labels
// Helm adds for its own bookkeeping are set aside. Only the Namespace is
// kustomize's alone (Helm installs with --create-namespace). The same holds
// for config/prometheus and the chart's ServiceMonitors.
func TestKustomizeMatchesChart(t *testing.T) {
	_, chart := render(t, variant{name: "cert-manager", values: []string{"certManager.enabled=true"}})
	compareKustomize(t, "default", chart)
	// config/prometheus is the optional part: the chart's serviceMonitor.enabled.
	_, monitored := render(t, variant{name: "monitored", values: []string{"certManager.enabled=true", "serviceMonitor.enabled=true"}})
	compareKustomize(t, "prometheus", ofKind(monitored, "ServiceMonitor"))
}

// compareKustomize checks that `kubectl kustomize config/<dir>` holds exactly
// the objects chart holds, field by field after normalize.
func compareKustomize(t *testing.T, dir string, chart []*unstructured.Unstructured) {
	t.Helper()
	assets, ok := controlplane.Assets()
	if !ok {
		repo.Missing(t, "kubectl", "envtest-assets")
	}
	path := repo.MustPath(t, "config", dir)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, filepath.Join(assets, "kubectl"), "kustomize", path).Output()
	if err != nil {
		t.Fatalf("kubectl kustomize config/%s: %v", dir, err)
	}
	kz, err := yamldocs.Objects(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	byKey := map[string]*unstructured.Unstructured{}
	for _, o := range chart {
		byKey[objectKey(o)] = o
	}
	for _, want := range kz {
		if want.GetKind() == "Namespace" {
			continue
		}
		key := objectKey(want)
		got, ok := byKey[key]
		if !ok {
			t.Errorf("%s is in config/%s, not in the chart", key, dir)
			continue
		}
		delete(byKey, key)
		if diff := yamlDiff(normalize(want.Object), normalize(got.Object)); diff != "" {
			t.Errorf("%s differs (want: config/%s, got: chart):\n%s", key, dir, diff)
		}
	}
	for key := range byKey {
		t.Errorf("%s is in the chart, not in config/%s", key, dir)
	}
}

func objectKey(o *unstructured.Unstructured) string {
	return o.GetAPIVersion() + " " + o.GetKind() + " " + o.GetNamespace() + "/" + o.GetName()
}

// helmOnlyLabels are the labels Helm charts add to tell releases apart.
var helmOnlyLabels = []string{"app.kubernetes.io/instance", "app.kubernetes.io/version", "app.kubernetes.io/managed-by", "helm.sh/chart"}

// normalize returns a copy of obj without what only Helm needs: metadata
// labels everywhere (selectors are kept, minus the release's instance label)
// and the helm.sh/resource-policy annotation.
func normalize(obj map[string]any) map[string]any {
	out := strip(obj).(map[string]any)
	if ann, ok, _ := unstructured.NestedStringMap(out, "metadata", "annotations"); ok {
		delete(ann, "helm.sh/resource-policy")
		if len(ann) == 0 {
			unstructured.RemoveNestedField(out, "metadata", "annotations")
		} else {
			_ = unstructured.SetNestedStringMap(out, ann, "metadata", "annotations")
		}
	}
	return out
}

func strip(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range v {
			if k == "labels" {
				continue
			}
			out[k] = strip(e)
		}
		for _, l := range helmOnlyLabels {
			delete(out, l)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = strip(e)
		}
		return out
	default:
		return v
	}
}
