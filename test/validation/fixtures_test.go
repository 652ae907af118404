package validation_test

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/s3am/s3-access-manager/internal/testenv/controlplane"
)

// applyFixtures creates the namespaces and the connection the rows refer to.
func applyFixtures(env *controlplane.Env) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	path := filepath.Join("testdata", "fixtures.yaml")
	if out, err := env.Kubectl(ctx, "", "apply", "-f", path); err != nil {
		return fmt.Errorf("apply %s: %w\n%s", path, err, out)
	}
	return nil
}
