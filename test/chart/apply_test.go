package chart_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestServerSideDryRun applies every variant's rendered manifests with
// `kubectl apply --server-side --dry-run=server` to a real control plane, so
// the API server itself validates every object (schemas, CEL rules, RBAC,
// webhook configurations) without running anything.
func TestServerSideDryRun(t *testing.T) {
	helmBinary(t) // skip or fail before starting a control plane
	env := sharedEnv(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			manifests, objs := render(t, v)
			path := filepath.Join(t.TempDir(), "manifests.yaml")
			if err := os.WriteFile(path, []byte(manifests), 0o600); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			out, err := env.Kubectl(ctx, "", "apply", "--server-side", "--dry-run=server", "--field-manager=helm", "-f", path)
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			applied := strings.Count(out, "(server dry run)")
			if applied != len(objs) {
				t.Errorf("%d of %d objects applied:\n%s", applied, len(objs), out)
			}
			t.Logf("%s: %d objects dry-run applied in %s", v.name, applied, time.Since(start).Round(time.Millisecond))
		})
	}
}
