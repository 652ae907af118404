//go:build linux

package app_test

import (
	"context"
	"syscall"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/s3am/s3-access-manager/internal/app"
	"github.com/s3am/s3-access-manager/internal/testenv/children"
	"github.com/s3am/s3-access-manager/internal/testenv/controlplane"
)

// A server that synced its index but had not yet served a request that
// reads a connection's Secret must still read it while the API server
// hangs: before the feed watched Secrets from the start, the first read
// started an informer and waited on the API server until its deadline.
func TestConnectionSecretsAreCachedBeforeReady(t *testing.T) {
	env := controlplane.Start(t, controlplane.Options{})
	ctx := t.Context()
	secret := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: "keys", Namespace: "default"},
		StringData: map[string]string{"accessKeyID": "id", "secretAccessKey": "not-a-real-secret"},
	}
	if err := env.Client.Create(ctx, secret); err != nil {
		t.Fatal(err)
	}
	mgr, err := ctrl.NewManager(env.Config, ctrl.Options{Scheme: env.Scheme, Metrics: metricsserver.Options{BindAddress: "0"}})
	if err != nil {
		t.Fatal(err)
	}
	feed, err := app.NewFeed(mgr)
	if err != nil {
		t.Fatal(err)
	}
	stop, err := controlplane.StartManager(ctx, mgr, feed.Index.Synced)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Error(err)
		}
	})

	hang(t, "kube-apiserver")
	read, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	began := time.Now()
	got := &corev1.Secret{}
	if err := feed.Cache.Get(read, client.ObjectKeyFromObject(secret), got); err != nil {
		t.Fatalf("reading the connection's Secret while the API server hangs: %v after %s", err, time.Since(began).Round(time.Millisecond))
	}
	if string(got.Data["accessKeyID"]) != "id" {
		t.Fatalf("Secret read from the cache holds %q", got.Data["accessKeyID"])
	}
	// ConfigMaps (CA bundles) are read the same way.
	if err := feed.Cache.List(read, &corev1.ConfigMapList{}, client.InNamespace("default")); err != nil {
		t.Fatalf("listing ConfigMaps while the API server hangs: %v", err)
	}
}

// hang stops (SIGSTOP) the one child of this test process named name until
// the test ends.
func hang(t *testing.T, name string) {
	t.Helper()
	pid, err := children.Named(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Kill(pid, syscall.SIGCONT) })
}
