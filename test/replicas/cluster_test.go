//go:build unix

package replicas_test

import (
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	minioprovider "github.com/s3am/s3-access-manager/internal/providers/minio"
	"github.com/s3am/s3-access-manager/internal/testenv/controlplane"
	"github.com/s3am/s3-access-manager/internal/testenv/minioserver"
	"github.com/s3am/s3-access-manager/internal/testenv/poll"
	"github.com/s3am/s3-access-manager/internal/testenv/ports"
	"github.com/s3am/s3-access-manager/internal/testenv/postgresserver"
	apiprobe "github.com/s3am/s3-access-manager/internal/testenv/probe"
	"github.com/s3am/s3-access-manager/internal/testenv/repo"
)

const (
	namespace  = "s3am-system"
	bucket     = "partner-data"
	connection = "minio"
	// appUser is the MinIO user the connection's policy is applied to.
	appUser, appSecret = "partner-app", "partner-app-secret-123"
	// policyName is the connection's first canned policy document.
	policyName = "s3am-" + connection + "-1"
	leaseName  = "s3am-operator.s3am.io"
	// adminGroup may read the audit trail.
	adminGroup = "s3am-admins"
)

// Lease timing of the operators: short for a test, with renewals far enough
// inside the deadline that a loaded machine does not lose the lease.
const (
	leaseDuration = 5 * time.Second
	renewDeadline = 4 * time.Second
	retryPeriod   = 500 * time.Millisecond
)

// cluster is one control plane and one MinIO that replicas run against.
type cluster struct {
	bin   string
	env   *controlplane.Env
	minio *minioserver.Server
	// admin reads MinIO's canned policies, as the operator writes them.
	admin *minioprovider.Client
	hooks *webhookProxy
	// pg is the audit store both servers write to.
	pg *postgresserver.Server
}

// operator is a running `s3am operator`.
type operator struct {
	*child
	metrics, probe string
}

// server is a running `s3am server`.
type server struct {
	*child
	base string
}

// s3amBinary is bin/s3am (or $S3AM_BIN); without it the test is skipped,
// loudly, or fails in CI. A binary built before the lease timing flags
// existed fails the test with the command that rebuilds it.
func s3amBinary(t *testing.T) string {
	t.Helper()
	path := repo.S3am(t)
	help, err := exec.Command(path, "operator", "--help").CombinedOutput()
	if err != nil || !strings.Contains(string(help), "--leader-elect-lease-duration") {
		t.Fatalf("%s has no --leader-elect-lease-duration (%v): it is older than the source, run `make build`", path, err)
	}
	help, err = exec.Command(path, "server", "--help").CombinedOutput()
	if err != nil || !strings.Contains(string(help), "--audit-postgres") {
		t.Fatalf("%s has no --audit-postgres (%v): it is older than the source, run `make build`", path, err)
	}
	return path
}

// startCluster starts the control plane with the admission webhooks
// registered (served through a proxy in front of the operators), MinIO with
// the bucket, its seed objects and the app user, and the operator namespace
// with the connection's keys.
func startCluster(t *testing.T) *cluster {
	t.Helper()
	c := &cluster{bin: s3amBinary(t)}
	c.env = controlplane.Start(t, controlplane.Options{Webhooks: true})
	c.hooks = startWebhookProxy(t, net.JoinHostPort(c.env.Webhook.LocalServingHost, strconv.Itoa(c.env.Webhook.LocalServingPort)))
	c.pg = postgresserver.Start(t)
	c.minio = minioserver.Start(t)
	seed := map[string]string{}
	for _, key := range seedObjects {
		seed[key] = "seed " + key
	}
	c.minio.Seed(t, bucket, seed)
	c.minio.MC(t, "admin", "user", "add", minioserver.MCAlias, appUser, appSecret)
	admin, err := minioprovider.New(aws.Config{BaseEndpoint: aws.String(c.minio.Endpoint), Region: c.minio.Region, Credentials: c.minio.RootCredentials()})
	if err != nil {
		t.Fatal(err)
	}
	c.admin = admin
	c.env.CreateKeysSecret(t, namespace, "minio-keys", c.minio.RootAccessKey, c.minio.RootSecretKey)
	return c
}

// seedObjects exist in the bucket, for downloads and listings.
var seedObjects = []string{
	"partner-a/uploads/2024/scan.png",
	"partner-a/uploads-evil/planted.txt",
	"partner-a/secret/plans.txt",
	"partner-a/processed/report.pdf",
	"partner-b/uploads/existing.pdf",
	"root.txt",
}

// startOperator runs `s3am operator` with short lease timings on free ports
// and makes its webhook server one the proxy sends admission requests to.
func (c *cluster) startOperator(t *testing.T, name string) *operator {
	t.Helper()
	free := ports.Free(t, 3)
	o := &operator{metrics: "http://127.0.0.1:" + free[0] + "/metrics", probe: "http://127.0.0.1:" + free[1]}
	o.child = startChild(t, name, c.bin, []string{"KUBECONFIG=" + c.env.Kubeconfig},
		"operator", "--namespace", namespace,
		"--metrics-bind-address", "127.0.0.1:"+free[0], "--health-probe-bind-address", "127.0.0.1:"+free[1],
		"--webhook-port", free[2], "--webhook-cert-dir", c.env.Webhook.LocalServingCertDir,
		"--leader-elect-lease-duration", leaseDuration.String(), "--leader-elect-renew-deadline", renewDeadline.String(),
		"--leader-elect-retry-period", retryPeriod.String())
	c.hooks.add("127.0.0.1:" + free[2])
	return o
}

// startServer runs `s3am server` on a free loopback port, trusting identity
// headers from loopback, recording into the shared PostgreSQL audit store
// under its own writer chain.
func (c *cluster) startServer(t *testing.T, name string) *server {
	t.Helper()
	listen := ports.Address(t)
	s := &server{base: "http://" + listen}
	s.child = startChild(t, name, c.bin, []string{"KUBECONFIG=" + c.env.Kubeconfig, "S3AM_AUDIT_POSTGRES_DSN=" + c.pg.DSN()},
		"server", "--listen", listen, "--proxy-trusted-cidrs", "127.0.0.1/32", "--admin-group", adminGroup,
		"--audit-postgres", "--audit-writer", name, "--zap-log-level", "error")
	return s
}

// waitReady waits until url answers 200, failing early if p exits.
func waitReady(t *testing.T, p *child, url string) time.Duration {
	t.Helper()
	return poll.Until(t, 60*time.Second, p.name+" ready", func() bool {
		if !p.Running() {
			t.Fatalf("%s exited: %v\n%s", p.name, p.Err(), p.tail(4000))
		}
		return apiprobe.Status(httpClient, url) == http.StatusOK
	})
}

// applyConnection creates the MinIO connection in Apply mode (through the
// webhooks) and waits until the leader has made it Ready.
func (c *cluster) applyConnection(t *testing.T) {
	t.Helper()
	c.env.MustKubectl(t, c.minio.ConnectionYAML(connection, namespace, "minio-keys", "iam: {mode: Apply, user: "+appUser+"}"), "apply", "-f", "-")
	apiprobe.ConnectionReady(t, c.env.Client, connection)
}

// subject is who a grant is for: "User" or "Group", and the name.
type subject struct{ kind, name string }

// grantYAML is a PrefixGrant in the operator namespace on the connection.
func grantYAML(name, prefix string, perms []string, subjects ...subject) string {
	var subs []string
	for _, s := range subjects {
		subs = append(subs, fmt.Sprintf("{kind: %s, name: %q}", s.kind, s.name))
	}
	return fmt.Sprintf(`apiVersion: s3am.io/v1alpha1
kind: PrefixGrant
metadata: {name: %s, namespace: %s}
spec: {connection: %s, bucket: %s, prefix: %q, permissions: [%s], subjects: [%s]}
`, name, namespace, connection, bucket, prefix, strings.Join(perms, ", "), strings.Join(subs, ", "))
}
