package chart_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/tools/clientcmd"
	ctrl "sigs.k8s.io/controller-runtime"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	"sigs.k8s.io/yaml"

	"github.com/s3am/s3-access-manager/internal/cli"
	"github.com/s3am/s3-access-manager/internal/objects"
	"github.com/s3am/s3-access-manager/internal/testenv/controlplane"
	"github.com/s3am/s3-access-manager/internal/testenv/poll"
	"github.com/s3am/s3-access-manager/internal/testenv/ports"
	"github.com/s3am/s3-access-manager/server"
)

// Identities of the chart's ServiceAccounts, as RBAC sees them.
const (
	operatorUser = "system:serviceaccount:" + releaseNamespace + ":s3am-operator"
	serverUser   = "system:serviceaccount:" + releaseNamespace + ":s3am-server"
)

// TestChartRBACRunsTheProcesses runs the operator and the server as the
// chart's ServiceAccounts (impersonated, on a control plane that enforces
// RBAC) with nothing but the chart's RBAC bound, and checks that each does its
// job: the operator elects a leader, reads a connection's Secret in another
// namespace, patches status, publishes the policy ConfigMap; the server's
// index syncs and it reads that Secret through its cache. Neither may write
// what it does not need.
func TestChartRBACRunsTheProcesses(t *testing.T) {
	helmBinary(t)
	env := sharedEnv(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	_, objs := render(t, variants[0])

	var rbac []string
	for _, o := range objs {
		switch o.GetKind() {
		case "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding":
			b, err := yaml.Marshal(o.Object)
			if err != nil {
				t.Fatal(err)
			}
			rbac = append(rbac, string(b))
		}
	}
	if out, err := env.Kubectl(ctx, strings.Join(rbac, "---\n"), "apply", "--server-side", "--field-manager=helm", "-f", "-"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	// A connection whose keys live outside the operator's namespace, and a
	// grant on it. No S3 server listens at the endpoint: the operator's check
	// fails with EndpointUnreachable, which it can only report after reading
	// the Secret.
	fixtures := fmt.Sprintf(`apiVersion: v1
kind: Namespace
metadata: {name: tenant-a}
---
apiVersion: v1
kind: Secret
metadata: {name: keys, namespace: tenant-a}
stringData: {accessKeyID: AKIAEXAMPLE, secretAccessKey: not-a-real-secret}
---
apiVersion: s3am.io/v1alpha1
kind: S3Connection
metadata: {name: probe}
spec:
  provider: S3Compatible
  endpoint: http://%s
  pathStyle: true
  auth: {accessKey: {namespace: tenant-a, name: keys}}
---
apiVersion: s3am.io/v1alpha1
kind: PrefixGrant
metadata: {name: probe, namespace: %s}
spec:
  connection: probe
  bucket: partner-data
  prefix: partner-a/
  subjects: [{kind: User, name: alice@partner-a.com}]
  permissions: [read]
`, closedAddress(t), releaseNamespace)
	if out, err := env.Kubectl(ctx, fixtures, "apply", "-f", "-"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}

	t.Run("operator", func(t *testing.T) {
		t.Setenv("KUBECONFIG", impersonating(t, env, operatorUser))
		probes := ports.Address(t)
		args := []string{"operator", "--namespace", releaseNamespace, "--leader-elect=true",
			"--metrics-bind-address", "0", "--health-probe-bind-address", probes,
			"--webhook-port", portOf(t, ports.Address(t)), "--webhook-cert-dir", webhookCertDir(t, objs),
			"--zap-log-level", "error"}
		stop := run(t, args)
		defer stop()
		poll.Until(t, time.Minute, "operator ready", func() bool { return httpStatus("http://"+probes+"/readyz") == http.StatusOK })
		poll.Until(t, time.Minute, "leader lease held", func() bool {
			out, err := env.Kubectl(ctx, "", "-n", releaseNamespace, "get", "lease", "s3am-operator.s3am.io", "-o", "jsonpath={.spec.holderIdentity}")
			return err == nil && out != ""
		})
		poll.Until(t, time.Minute, "connection checked with its Secret", func() bool {
			out, _ := env.Kubectl(ctx, "", "get", "s3connection", "probe", "-o", `jsonpath={.status.conditions[?(@.type=="CredentialsValid")].reason}`)
			return out == "EndpointUnreachable"
		})
		poll.Until(t, time.Minute, "grant status patched", func() bool {
			out, _ := env.Kubectl(ctx, "", "-n", releaseNamespace, "get", "prefixgrant", "probe", "-o", `jsonpath={.status.conditions[?(@.type=="Ready")].reason}`)
			return out == "ConnectionNotReady"
		})
		poll.Until(t, time.Minute, "policy ConfigMap published", func() bool {
			_, err := env.Kubectl(ctx, "", "-n", releaseNamespace, "get", "configmap", "s3am-policy-probe")
			return err == nil
		})
	})

	t.Run("server", func(t *testing.T) {
		kubeconfig := impersonating(t, env, serverUser)
		t.Setenv("KUBECONFIG", kubeconfig)
		listen := ports.Address(t)
		stop := run(t, []string{"server", "--listen", listen, "--service-accounts", "--audit-writer", "chart-test", "--zap-log-level", "error"})
		defer stop()
		poll.Until(t, time.Minute, "server ready (index synced)", func() bool { return httpStatus("http://"+listen+"/readyz") == http.StatusOK })

		// The server's connection resolver reads the Secret through a
		// controller-runtime cache, as `s3am server` wires it.
		cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
		if err != nil {
			t.Fatal(err)
		}
		mgr, err := ctrl.NewManager(cfg, ctrl.Options{Scheme: env.Scheme, Metrics: metricsserver.Options{BindAddress: "0"}})
		if err != nil {
			t.Fatal(err)
		}
		stopMgr, err := controlplane.StartManager(ctx, mgr, func() bool {
			waitCtx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
			defer cancel()
			return mgr.GetCache().WaitForCacheSync(waitCtx)
		})
		if err != nil {
			t.Fatal(err)
		}
		defer func() {
			if err := stopMgr(); err != nil {
				t.Error(err)
			}
		}()
		readCtx, cancelRead := context.WithTimeout(ctx, 30*time.Second)
		defer cancelRead()
		if _, err := server.NewConnections(mgr.GetClient(), objects.Options{}).Service(readCtx, "probe"); err != nil {
			t.Fatalf("the server cannot build the connection from its Secret with the chart's RBAC: %v", err)
		}
	})

	t.Run("least privilege", func(t *testing.T) {
		for _, c := range []struct{ user, verb, resource, ns string }{
			{serverUser, "create", "prefixgrants.s3am.io", releaseNamespace},
			{serverUser, "patch", "s3connections.s3am.io/status", ""},
			{serverUser, "create", "secrets", releaseNamespace},
			{serverUser, "create", "configmaps", releaseNamespace},
			{serverUser, "create", "leases.coordination.k8s.io", releaseNamespace},
			{operatorUser, "create", "secrets", releaseNamespace},
			{operatorUser, "delete", "prefixgrants.s3am.io", releaseNamespace},
			{operatorUser, "create", "configmaps", "tenant-a"},
			{operatorUser, "create", "leases.coordination.k8s.io", "tenant-a"},
		} {
			args := []string{"auth", "can-i", c.verb, c.resource, "--as", c.user}
			if c.ns != "" {
				args = append(args, "-n", c.ns)
			}
			// The answer is the last line; a warning may precede it.
			out, _ := env.Kubectl(ctx, "", args...)
			lines := strings.Split(strings.TrimSpace(out), "\n")
			if lines[len(lines)-1] != "no" {
				t.Errorf("%s may %s %s in %q: %s", c.user, c.verb, c.resource, c.ns, out)
			}
		}
	})
}

// run runs an s3am subcommand in this process until the returned stop is
// called; stop fails the test if the command failed.
func run(t *testing.T, args []string) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := cli.NewRoot()
	cmd.SetArgs(args)
	cmd.SetOut(io.Discard)
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(ctx) }()
	return func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("s3am %s: %v", args[0], err)
			}
		case <-time.After(45 * time.Second):
			t.Errorf("s3am %s did not stop within 45s", args[0])
		}
	}
}

// impersonating writes a copy of the control plane's admin kubeconfig that
// acts as user, so a process runs with exactly the RBAC bound to user.
func impersonating(t *testing.T, env *controlplane.Env, user string) string {
	t.Helper()
	cfg, err := clientcmd.LoadFromFile(env.Kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	for _, auth := range cfg.AuthInfos {
		auth.Impersonate = user
	}
	path := filepath.Join(t.TempDir(), "kubeconfig")
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		t.Fatal(err)
	}
	return path
}

// webhookCertDir writes the chart's generated webhook certificate where the
// operator's webhook server reads it.
func webhookCertDir(t *testing.T, objs []*unstructured.Unstructured) string {
	t.Helper()
	data, _, _ := unstructured.NestedMap(named(t, objs, "Secret", "s3am-webhook-server-cert").Object, "data")
	dir := t.TempDir()
	for _, f := range []string{"tls.crt", "tls.key"} {
		if err := os.WriteFile(filepath.Join(dir, f), base64Decode(t, data[f]), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// closedAddress returns a loopback address nothing listens on.
func closedAddress(t *testing.T) string { return ports.Address(t) }

func portOf(t *testing.T, addr string) string {
	t.Helper()
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	return port
}

func httpStatus(url string) int {
	resp, err := http.Get(url)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}
