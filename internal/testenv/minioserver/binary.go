package minioserver

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// modulePath is the module whose root holds bin/minio and bin/mc.
const modulePath = "github.com/s3am/s3-access-manager"

// EnvMinIO names an environment variable that overrides the path of the minio
// binary.
const EnvMinIO = "S3AM_MINIO"

// EnvMC names an environment variable that overrides the path of the mc binary.
const EnvMC = "S3AM_MC"

// errNoBinary marks a binary that is not installed, which tests treat as
// "skip" outside CI rather than as a failure.
var errNoBinary = errors.New("binary not installed")

// findBinary returns the path of a tool: the override in env, or bin/name at
// the root of this module, found by walking up from the working directory.
func findBinary(env, name string) (string, error) {
	if p := os.Getenv(env); p != "" {
		if err := executable(p); err != nil {
			return "", fmt.Errorf("%s=%s: %w", env, p, err)
		}
		return p, nil
	}
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	p := filepath.Join(root, "bin", name)
	if err := executable(p); err != nil {
		return "", fmt.Errorf("%s: %w", p, err)
	}
	return p, nil
}

func executable(p string) error {
	fi, err := os.Stat(p)
	if errors.Is(err, os.ErrNotExist) {
		return errNoBinary
	}
	if err != nil {
		return fmt.Errorf("stat: %w", err)
	}
	if fi.IsDir() || fi.Mode()&0o111 == 0 {
		return fmt.Errorf("not an executable file")
	}
	return nil
}

// moduleRoot walks up from the working directory to the go.mod that declares
// this module. Walking up (rather than trusting the first go.mod) keeps nested
// modules such as tools/ from hiding the real root.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("working directory: %w", err)
	}
	for {
		if declaresModule(filepath.Join(dir, "go.mod")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod of %s above the working directory", modulePath)
		}
		dir = parent
	}
}

func declaresModule(goMod string) bool {
	f, err := os.Open(goMod)
	if err != nil {
		return false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) == 2 && f[0] == "module" {
			return strings.Trim(f[1], `"`) == modulePath
		}
	}
	return false
}
