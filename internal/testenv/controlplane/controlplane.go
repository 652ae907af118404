// Package controlplane starts a real kube-apiserver and etcd (envtest, on the
// binaries `make envtest-assets` builds into bin/k8s) with the project's CRDs,
// and runs the kubectl built beside them.
package controlplane

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/controller-runtime/pkg/manager"

	"github.com/s3am/s3-access-manager/internal/launch"
	"github.com/s3am/s3-access-manager/internal/testenv/repo"
)

// Options choose what the control plane is started with.
type Options struct {
	// Webhooks installs config/webhook, pointing at a server the test runs on
	// Env.Webhook's host, port and certificates.
	Webhooks bool
}

// Env is a running control plane.
type Env struct {
	Config     *rest.Config
	Client     client.Client
	Scheme     *runtime.Scheme
	Kubeconfig string
	// Webhook is where the API server expects the webhook server, when Options.Webhooks is set.
	Webhook *envtest.WebhookInstallOptions

	cp *launch.ControlPlane
}

// Assets returns the directory of kube-apiserver, etcd and kubectl, and
// whether they are all there.
func Assets() (string, bool) {
	dir := os.Getenv("KUBEBUILDER_ASSETS")
	if dir == "" {
		p, err := repo.Path("bin", "k8s")
		if err != nil {
			return "", false
		}
		dir = p
	}
	for _, b := range []string{"kube-apiserver", "etcd", "kubectl"} {
		if _, err := os.Stat(filepath.Join(dir, b)); err != nil {
			return dir, false
		}
	}
	return dir, true
}

// Start starts a control plane for the test and stops it at cleanup. Packages
// that share one across tests use StartShared from TestMain instead.
func Start(tb testing.TB, opts Options) *Env {
	tb.Helper()
	if _, ok := Assets(); !ok {
		repo.Missing(tb, "the test control plane (kube-apiserver, etcd, kubectl)", "envtest-assets")
	}
	e, err := StartShared(opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := e.Stop(); err != nil {
			tb.Error(err)
		}
	})
	return e
}

// StartShared starts a control plane that the caller stops with Stop.
func StartShared(opts Options) (*Env, error) {
	assets, ok := Assets()
	if !ok {
		return nil, fmt.Errorf("control plane binaries missing in %s: run `make envtest-assets`", assets)
	}
	crds, err := repo.Path("config", "crd", "bases")
	if err != nil {
		return nil, err
	}
	o := launch.ControlPlaneOptions{Assets: assets, CRDs: envtest.CRDInstallOptions{Paths: []string{crds}}, Admin: "test-admin"}
	if opts.Webhooks {
		hooks, err := repo.Path("config", "webhook")
		if err != nil {
			return nil, err
		}
		o.Webhooks = envtest.WebhookInstallOptions{Paths: []string{hooks}}
	}
	cp, err := launch.StartControlPlane(o)
	if err != nil {
		return nil, err
	}
	e := &Env{Config: cp.Config, Client: cp.Client, Scheme: cp.Scheme, Kubeconfig: cp.Kubeconfig, cp: cp}
	if opts.Webhooks {
		e.Webhook = &cp.Env.WebhookInstallOptions
	}
	return e, nil
}

// Stop stops the control plane and removes its files.
func (e *Env) Stop() error { return e.cp.Stop() }

// Kubectl runs the built kubectl against the control plane, with stdin if
// non-empty, and returns its combined output.
func (e *Env) Kubectl(ctx context.Context, stdin string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, e.cp.Kubectl, append([]string{"--kubeconfig", e.Kubeconfig}, args...)...)
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if err != nil {
		return out.String(), fmt.Errorf("kubectl %s: %w: %s", strings.Join(args, " "), err, out.String())
	}
	return out.String(), nil
}

// MustKubectl is Kubectl for a test: it gives kubectl a minute and fails tb
// if it fails.
func (e *Env) MustKubectl(tb testing.TB, stdin string, args ...string) string {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := e.Kubectl(ctx, stdin, args...)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// CreateKeysSecret creates namespace and in it the Secret name holding an
// access key pair under the keys an S3Connection reads by default.
func (e *Env) CreateKeysSecret(tb testing.TB, namespace, name, accessKeyID, secretAccessKey string) {
	tb.Helper()
	e.MustKubectl(tb, "", "create", "namespace", namespace)
	e.MustKubectl(tb, "", "-n", namespace, "create", "secret", "generic", name,
		"--from-literal=accessKeyID="+accessKeyID, "--from-literal=secretAccessKey="+secretAccessKey)
}

// Main is the TestMain of a package that shares one control plane across its
// tests: it starts the control plane, calls run with it, stops it and exits
// with run's code. Without the binaries the package is skipped, loudly, or,
// in CI (CI=true), fails: CI must run every test.
func Main(m *testing.M, pkg string, opts Options, run func(*Env) int) {
	if _, ok := Assets(); !ok {
		if os.Getenv("CI") == "true" {
			fmt.Fprintf(os.Stderr, "*** %s: control plane binaries missing in CI: run `make envtest-assets` ***\n", pkg)
			os.Exit(1)
		}
		fmt.Fprintf(os.Stderr, "*** SKIPPING %s: control plane binaries missing; run `make envtest-assets` ***\n", pkg)
		os.Exit(0)
	}
	env, err := StartShared(opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := run(env)
	if err := env.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}

// StartManager starts mgr and waits up to 30 s until synced holds (say, an
// authorization index has loaded). stop ends the manager and returns its error.
func StartManager(ctx context.Context, mgr manager.Manager, synced func() bool) (stop func() error, err error) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- mgr.Start(ctx) }()
	stop = func() error {
		cancel()
		if err := <-done; err != nil {
			return fmt.Errorf("manager: %w", err)
		}
		return nil
	}
	deadline := time.Now().Add(30 * time.Second)
	for !synced() {
		if time.Now().After(deadline) {
			_ = stop()
			return nil, errors.New("the manager's caches did not sync within 30s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	return stop, nil
}
