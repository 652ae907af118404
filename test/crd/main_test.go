// Package crd_test checks the CustomResourceDefinitions on a real control
// plane: they install, the samples apply with kubectl and read back unchanged,
// every field is documented, and the printer columns and short names work.
package crd_test

import (
	"testing"

	"github.com/s3am/s3-access-manager/internal/testenv/controlplane"
)

var env *controlplane.Env

func TestMain(m *testing.M) {
	controlplane.Main(m, "test/crd", controlplane.Options{}, func(e *controlplane.Env) int {
		env = e
		return m.Run()
	})
}
