// Package crd_test checks the CustomResourceDefinitions on a real control
// plane: they install, the samples apply with kubectl and read back unchanged,
// every field is documented, and the printer columns and short names work.
package crd_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/s3am/s3-access-manager/internal/testenv/controlplane"
)

var env *controlplane.Env

func TestMain(m *testing.M) {
	if _, ok := controlplane.Assets(); !ok {
		if os.Getenv("CI") == "true" {
			fmt.Fprintln(os.Stderr, "*** control plane binaries missing in CI: run `make envtest-assets` ***")
			os.Exit(1)
		}
		fmt.Fprintln(os.Stderr, "*** SKIPPING test/crd: control plane binaries missing; run `make envtest-assets` ***")
		os.Exit(0)
	}
	var err error
	env, err = controlplane.StartShared(controlplane.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	if err := env.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	os.Exit(code)
}
