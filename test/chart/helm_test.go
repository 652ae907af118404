// Package chart_test checks the Helm chart charts/s3-access-manager: it lints
// and renders with the default values and the examples, holds exactly what
// config/ generates (CRDs, operator RBAC, webhooks), hardens every container,
// never puts a secret value in a ConfigMap or an env literal, and its
// rendered manifests pass a server-side dry-run apply on a real control plane.
package chart_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/s3am/s3-access-manager/internal/testenv/repo"
	"github.com/s3am/s3-access-manager/internal/testenv/yamldocs"
)

// Release and namespace of every render: with them the chart's object names
// are config/default's.
const (
	releaseName      = "s3am"
	releaseNamespace = "s3am-system"
)

// variant is one set of values the chart must render and apply with.
type variant struct {
	name   string
	files  []string // values files, relative to the chart
	values []string // --set pairs
}

// variants are the default values, the two documented examples, and every
// optional part switched on (cert-manager, ServiceMonitor, Ingress, browser
// login, PostgreSQL audit, restricted egress), so that every template is
// rendered and applied at least once.
var variants = []variant{
	{name: "default"},
	{name: "aws", files: []string{"examples/values-aws.yaml"}},
	{name: "minio", files: []string{"examples/values-minio.yaml"}},
	{name: "everything", values: []string{
		"certManager.enabled=true",
		"serviceMonitor.enabled=true",
		"serviceMonitor.labels.release=prometheus",
		"server.ingress.enabled=true",
		"server.ingress.host=s3am.example.com",
		"server.ingress.tlsSecretName=s3am-tls",
		"server.ingress.className=nginx",
		"server.auth.oidc.issuer=https://login.example.com",
		"server.auth.oidc.clientID=s3am",
		"server.auth.oidc.redirectURL=https://s3am.example.com/auth/callback",
		"server.auth.oidc.clientSecret.existingSecret=s3am-oidc",
		"server.auth.proxy.trustedCIDRs={10.0.0.0/8,192.168.0.0/16}",
		"server.audit.store=postgres",
		"server.audit.postgres.existingSecret=s3am-audit-db",
		"networkPolicy.egress.restrict=true",
		"networkPolicy.metricsFrom[0].namespaceSelector.matchLabels.name=monitoring",
		"image.digest=sha256:0000000000000000000000000000000000000000000000000000000000000000",
	}},
	{name: "sqlite-pvc", values: []string{
		"server.replicas=1",
		"server.audit.sqlite.persistence.enabled=true",
		"crds.enabled=false",
	}},
}

// helmBinary returns bin/helm (or S3AM_HELM), skipping the test loudly when
// it is missing, failing it in CI.
func helmBinary(t *testing.T) string {
	t.Helper()
	return repo.RequireTool(t, "helm", "helm", "S3AM_HELM", "helm")
}

// chartDir returns charts/s3-access-manager.
func chartDir(t *testing.T) string {
	t.Helper()
	dir := repo.MustPath(t, "charts", "s3-access-manager")
	return dir
}

// helm runs bin/helm with args and returns its stdout; stderr goes into the
// error.
func helm(t *testing.T, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, helmBinary(t), args...)
	// helm must not read or write the user's helm configuration or caches.
	home := t.TempDir()
	cmd.Env = append(os.Environ(), "HELM_CACHE_HOME="+home, "HELM_CONFIG_HOME="+home, "HELM_DATA_HOME="+home)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("helm %s: %w\n%s%s", strings.Join(args, " "), err, stderr.String(), stdout.String())
	}
	return stdout.String(), nil
}

// valuesArgs returns the helm flags choosing v's values.
func (v variant) valuesArgs(t *testing.T) []string {
	var args []string
	for _, f := range v.files {
		args = append(args, "--values", filepath.Join(chartDir(t), f))
	}
	for _, s := range v.values {
		args = append(args, "--set", s)
	}
	return args
}

// render runs helm template for v and returns the manifests and the objects.
func render(t *testing.T, v variant) (string, []*unstructured.Unstructured) {
	t.Helper()
	args := append([]string{"template", releaseName, chartDir(t), "--namespace", releaseNamespace}, v.valuesArgs(t)...)
	out, err := helm(t, args...)
	if err != nil {
		t.Fatal(err)
	}
	objs, err := yamldocs.Objects(strings.NewReader(out))
	if err != nil {
		t.Fatalf("%s: %v", v.name, err)
	}
	return out, objs
}

// ofKind returns the objects of kind.
func ofKind(objs []*unstructured.Unstructured, kind string) []*unstructured.Unstructured {
	var out []*unstructured.Unstructured
	for _, o := range objs {
		if o.GetKind() == kind {
			out = append(out, o)
		}
	}
	return out
}

// named returns the object of kind and name, failing the test without one.
func named(t *testing.T, objs []*unstructured.Unstructured, kind, name string) *unstructured.Unstructured {
	t.Helper()
	for _, o := range ofKind(objs, kind) {
		if o.GetName() == name {
			return o
		}
	}
	t.Fatalf("no %s %s rendered", kind, name)
	return nil
}
