// Package repo locates the repository root and the tools `make` installs into
// bin/, so that tests run by hand with `go test` find them without setup.
package repo

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const modulePath = "module github.com/s3am/s3-access-manager\n"

// Root returns the directory holding the project's go.mod.
func Root() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("working directory: %w", err)
	}
	for {
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && strings.HasPrefix(string(b), modulePath) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod of github.com/s3am/s3-access-manager above the working directory")
		}
		dir = parent
	}
}

// Path joins elements onto the repository root.
func Path(elem ...string) (string, error) {
	root, err := Root()
	if err != nil {
		return "", err
	}
	return filepath.Join(append([]string{root}, elem...)...), nil
}

// MustPath is Path for a test, which fails if the root is not found.
func MustPath(tb testing.TB, elem ...string) string {
	tb.Helper()
	p, err := Path(elem...)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// Tool returns the path of an installed tool: the environment variable env if
// set, else bin/<rel> in the repository. ok is false when the file is missing.
func Tool(env string, rel ...string) (path string, ok bool) {
	path = os.Getenv(env)
	if path == "" {
		p, err := Path(append([]string{"bin"}, rel...)...)
		if err != nil {
			return "", false
		}
		path = p
	}
	_, err := os.Stat(path)
	return path, err == nil
}

// RequireTool is Tool for a test that cannot run without the tool: when it is
// missing, the test stops through Missing, naming what and the make target.
func RequireTool(tb testing.TB, what, target, env string, rel ...string) string {
	tb.Helper()
	path, ok := Tool(env, rel...)
	if !ok {
		Missing(tb, what, target)
	}
	return path
}

// S3am is bin/s3am (or $S3AM_BIN), for tests that run it as a program.
func S3am(tb testing.TB) string {
	tb.Helper()
	return RequireTool(tb, "bin/s3am", "build", "S3AM_BIN", "s3am")
}

// Artifacts returns (and creates) the directory elem under the artifacts
// root: $S3AM_ARTIFACTS, by default bin/artifacts.
func Artifacts(tb testing.TB, elem ...string) string {
	tb.Helper()
	root := os.Getenv("S3AM_ARTIFACTS")
	if root == "" {
		root = MustPath(tb, "bin", "artifacts")
	}
	dir := filepath.Join(append([]string{root}, elem...)...)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	return dir
}

// Missing stops a test that needs a tool which is not installed. In CI (CI set
// to "true") that is a failure: CI must run every test. Elsewhere the test is
// skipped, loudly, naming the make target that installs the tool.
func Missing(tb testing.TB, what, target string) {
	tb.Helper()
	msg := fmt.Sprintf("*** %s is not installed: run `make %s` (or `make test`, which does) ***", what, target)
	if os.Getenv("CI") == "true" {
		tb.Fatal(msg)
	}
	tb.Skip(msg)
}
