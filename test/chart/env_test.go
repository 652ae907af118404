package chart_test

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/s3am/s3-access-manager/internal/testenv/controlplane"
	"github.com/s3am/s3-access-manager/internal/testenv/repo"
)

// The control plane is started by the first test that needs one and shared
// by the rest; the render tests never wait for it.
var (
	envOnce sync.Once
	envErr  error
	env     *controlplane.Env
)

func TestMain(m *testing.M) {
	code := m.Run()
	if env != nil {
		if err := env.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			code = max(code, 1)
		}
	}
	os.Exit(code)
}

// sharedEnv returns the package's control plane, with the release namespace
// and the third-party CRD stand-ins installed; it skips the test loudly
// without the binaries (fails in CI).
func sharedEnv(t *testing.T) *controlplane.Env {
	t.Helper()
	if _, ok := controlplane.Assets(); !ok {
		repo.Missing(t, "the test control plane (kube-apiserver, etcd, kubectl)", "envtest-assets")
	}
	envOnce.Do(func() {
		env, envErr = controlplane.StartShared(controlplane.Options{})
		if envErr == nil {
			envErr = installFixtures(env)
		}
	})
	if envErr != nil {
		t.Fatal(envErr)
	}
	return env
}

// installFixtures creates the release namespace (Helm installs into an
// existing one, --create-namespace) and the minimal stand-ins of
// cert-manager's and the Prometheus Operator's CRDs, which the test control
// plane does not have (see testdata/third-party-crds.yaml).
func installFixtures(e *controlplane.Env) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	fixtures, err := repo.Path("test", "chart", "testdata", "third-party-crds.yaml")
	if err != nil {
		return err
	}
	if _, err := e.Kubectl(ctx, "", "apply", "--server-side", "-f", fixtures); err != nil {
		return err
	}
	if _, err := e.Kubectl(ctx, "", "wait", "--for=condition=Established", "--timeout=60s",
		"crd/issuers.cert-manager.io", "crd/certificates.cert-manager.io", "crd/servicemonitors.monitoring.coreos.com"); err != nil {
		return err
	}
	_, err = e.Kubectl(ctx, "", "create", "namespace", releaseNamespace)
	return err
}
