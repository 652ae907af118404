package validation_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/s3am/s3-access-manager/internal/testenv/repo"
	"github.com/s3am/s3-access-manager/internal/testenv/yamldocs"
)

// TestSamplesAdmitted applies config/samples with the webhooks on, in one
// kubectl apply as a user would: the grants are admitted although their
// connection was created a moment before (the webhook confirms cache misses
// with the API server), including the one in partner-b-ops, which the
// sample connection delegates to by namespaceSelector.
func TestSamplesAdmitted(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir := repo.MustPath(t, "config", "samples")
	files, err := yamldocs.Files(dir)
	if err != nil {
		t.Fatal(err)
	}
	// The samples' default connection must not outlive the test: the table
	// expects no default. Namespaces stay, since they cannot finish
	// terminating here and the operator namespace is shared.
	t.Cleanup(func() {
		objs, err := yamldocs.Maps(files...)
		if err != nil {
			t.Error(err)
		}
		for _, obj := range objs {
			if obj["kind"] != "Namespace" {
				if err := deleteObject(context.Background(), hooked, obj); err != nil {
					t.Error(err)
				}
			}
		}
	})
	// kubectl apply fails if the webhook refuses any object.
	out, err := hooked.Kubectl(ctx, "", "apply", "-f", dir)
	if err != nil {
		t.Fatalf("samples refused: %v", err)
	}
	if strings.Contains(out, "Warning") {
		t.Errorf("samples drew warnings:\n%s", lines(out))
	}
}
