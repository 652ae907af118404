package postgresserver

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
)

// EnvBinDir names an environment variable holding the directory of the
// PostgreSQL server binaries (initdb, postgres).
const EnvBinDir = "S3AM_POSTGRES_BINDIR"

// debianRoot holds one directory per installed major version in Debian's
// packaging: /usr/lib/postgresql/15/bin, ...
const debianRoot = "/usr/lib/postgresql"

// errNoBinaries marks a machine without PostgreSQL, which tests treat as
// "skip" outside CI.
var errNoBinaries = errors.New("PostgreSQL server binaries not found")

// findBinDir returns the directory holding initdb and postgres: the one named
// by EnvBinDir, else the highest major version under debianRoot, else the
// directory of initdb on PATH (Debian does not put it there; other systems
// do).
func findBinDir() (string, error) {
	if d := os.Getenv(EnvBinDir); d != "" {
		if err := hasServerBinaries(d); err != nil {
			return "", fmt.Errorf("%s=%s: %w", EnvBinDir, d, err)
		}
		return d, nil
	}
	if d, ok := highestDebianBinDir(); ok {
		return d, nil
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		d := filepath.Dir(p)
		if err := hasServerBinaries(d); err == nil {
			return d, nil
		}
	}
	return "", errNoBinaries
}

// highestDebianBinDir picks the highest numeric major version with both
// binaries, so a machine upgraded from 15 to 16 tests against 16.
func highestDebianBinDir() (string, bool) {
	entries, err := os.ReadDir(debianRoot)
	if err != nil {
		return "", false
	}
	var majors []int
	for _, e := range entries {
		if n, err := strconv.Atoi(e.Name()); err == nil {
			majors = append(majors, n)
		}
	}
	slices.Sort(majors)
	for _, m := range slices.Backward(majors) {
		d := filepath.Join(debianRoot, strconv.Itoa(m), "bin")
		if hasServerBinaries(d) == nil {
			return d, true
		}
	}
	return "", false
}

func hasServerBinaries(dir string) error {
	for _, name := range []string{"initdb", "postgres"} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("%w: no %s in %s", errNoBinaries, name, dir)
		}
		if err != nil {
			return fmt.Errorf("stat %s: %w", name, err)
		}
		if fi.IsDir() || fi.Mode()&0o111 == 0 {
			return fmt.Errorf("%s in %s is not an executable file", name, dir)
		}
	}
	return nil
}

// requireBinDir finds the binaries or ends the test: a loud skip naming the
// make target on a developer machine, a failure in CI, where skipping would
// hide that the PostgreSQL tests never ran.
func requireBinDir(t testing.TB) string {
	t.Helper()
	d, err := findBinDir()
	if errors.Is(err, errNoBinaries) {
		msg := fmt.Sprintf("%v; run `make postgres` to install them, or set %s", err, EnvBinDir)
		if inCI() {
			t.Fatalf("CI=true and %s", msg)
		}
		t.Skipf("SKIPPING REAL-POSTGRESQL TEST: %s", msg)
	}
	if err != nil {
		t.Fatalf("find PostgreSQL: %v", err)
	}
	return d
}

func inCI() bool {
	v, _ := strconv.ParseBool(os.Getenv("CI"))
	return v
}
