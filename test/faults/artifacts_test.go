//go:build linux

package faults_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/s3am/s3-access-manager/internal/testenv/repo"
)

// artifactsDir is $S3AM_ARTIFACTS/faults, by default bin/artifacts/faults.
func artifactsDir(t *testing.T) string {
	t.Helper()
	root := os.Getenv("S3AM_ARTIFACTS")
	if root == "" {
		p, err := repo.Path("bin", "artifacts")
		if err != nil {
			t.Fatal(err)
		}
		root = p
	}
	dir := filepath.Join(root, "faults")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}
