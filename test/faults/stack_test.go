//go:build linux

package faults_test

import (
	"fmt"
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/s3am/s3-access-manager/internal/testenv/controlplane"
	"github.com/s3am/s3-access-manager/internal/testenv/minioserver"
	"github.com/s3am/s3-access-manager/internal/testenv/poll"
	"github.com/s3am/s3-access-manager/internal/testenv/ports"
	"github.com/s3am/s3-access-manager/internal/testenv/postgresserver"
	"github.com/s3am/s3-access-manager/internal/testenv/probe"
	"github.com/s3am/s3-access-manager/internal/testenv/repo"
)

const (
	namespace  = "s3am-system"
	bucket     = "faults"
	connection = "minio"
	// loadGroup is the group of every load user; its grant covers loadRoot.
	loadGroup  = "fault-load"
	loadRoot   = "load/"
	adminGroup = "s3am-admins"
)

// Timing the promises are held to. The server is told s3Timeout (when it
// has the flag): a call to S3 that takes longer is answered 504. Every
// answer must come within answerBound; the client gives up later, at
// clientTimeout, so that a hung request shows as one.
const (
	s3Timeout     = 2 * time.Second
	answerBound   = s3Timeout + 3*time.Second
	clientTimeout = answerBound + 10*time.Second
)

// stack is everything the faults are injected into: the control plane,
// MinIO, PostgreSQL, one `s3am operator` and two `s3am server`s, one
// recording into PostgreSQL, one into SQLite on a small filesystem.
type stack struct {
	top   *testing.T
	bin   string
	env   *controlplane.Env
	minio *minioserver.Server
	// api and s3 are the kube-apiserver and MinIO processes, to hang,
	// stop and start again.
	api, s3  *dependency
	pg       *postgresserver.Server
	disk     *smallDisk
	operator *proc
	// pgServer and sqliteServer are the two servers.
	pgServer, sqliteServer *server
}

// server is a running `s3am server`.
type server struct {
	*proc
	base string
	// writer is its audit chain.
	writer string
}

// serverHelp is `s3am server --help`, to pass flags the binary has.
func serverHelp(t *testing.T, bin string) string {
	t.Helper()
	out, err := exec.Command(bin, "server", "--help").CombinedOutput()
	if err != nil {
		t.Fatalf("%s server --help: %v\n%s", bin, err, out)
	}
	return string(out)
}

// startStack starts every part and waits until both servers answer for
// the load users.
func startStack(t *testing.T) *stack {
	t.Helper()
	s := &stack{top: t, bin: repo.S3am(t)}
	s.disk = mountSmallDisk(t)
	s.env = controlplane.Start(t, controlplane.Options{Webhooks: true})
	s.api = findDependency(t, "kube-apiserver")
	s.pg = postgresserver.Start(t)
	s.minio = minioserver.Start(t)
	s.minio.CreateBucket(t, bucket)
	s.s3 = findDependency(t, "minio")
	s.env.CreateKeysSecret(t, namespace, "minio-keys", s.minio.RootAccessKey, s.minio.RootSecretKey)

	free := ports.Free(t, 2)
	s.operator = newProc(t, "operator", s.bin, []string{"KUBECONFIG=" + s.env.Kubeconfig},
		"operator", "--namespace", namespace, "--leader-elect=false",
		"--metrics-bind-address", "0", "--health-probe-bind-address", "127.0.0.1:"+free[0],
		"--webhook-port", strconv.Itoa(s.env.Webhook.LocalServingPort), "--webhook-cert-dir", s.env.Webhook.LocalServingCertDir,
		"--zap-log-level", "error")
	s.operator.start(t)
	waitOK(t, s.operator, "http://127.0.0.1:"+free[0]+"/readyz")

	help := serverHelp(t, s.bin)
	s.pgServer = s.newServer(t, help, "server-pg", []string{"S3AM_AUDIT_POSTGRES_DSN=" + s.pg.DSN()}, "--audit-postgres")
	s.sqliteServer = s.newServer(t, help, "server-sqlite", nil, "--audit-sqlite", s.disk.file("audit.db"))
	s.applyConnection(t)
	s.env.MustKubectl(t, grantYAML("load", loadRoot, subject{"Group", loadGroup}), "apply", "-f", "-")
	for _, srv := range []*server{s.pgServer, s.sqliteServer} {
		waitOK(t, srv.proc, srv.base+"/readyz")
		poll.Until(t, 60*time.Second, "the load grant on "+srv.writer, func() bool {
			return hasRoot(srv.base, user{"ready@load.example", loadGroup}, loadRoot)
		})
	}
	return s
}

// newServer starts `s3am server` on a free loopback port, trusting
// identity headers from loopback, with the S3 deadline the suite holds it
// to when the binary has the flag.
func (s *stack) newServer(t *testing.T, help, name string, env []string, audit ...string) *server {
	t.Helper()
	listen := ports.Address(t)
	args := []string{"server", "--listen", listen, "--proxy-trusted-cidrs", "127.0.0.1/32", "--admin-group", adminGroup,
		"--audit-writer", name, "--zap-log-level", "error"}
	if strings.Contains(help, "--s3-timeout") {
		args = append(args, "--s3-timeout", s3Timeout.String())
	}
	args = append(args, audit...)
	srv := &server{proc: newProc(t, name, s.bin, append([]string{"KUBECONFIG=" + s.env.Kubeconfig}, env...), args...),
		base: "http://" + listen, writer: name}
	srv.start(t)
	return srv
}

// applyConnection creates the MinIO connection and waits until the
// operator has made it Ready.
func (s *stack) applyConnection(t *testing.T) {
	t.Helper()
	s.env.MustKubectl(t, s.minio.ConnectionYAML(connection, namespace, "minio-keys", "region: "+s.minio.Region), "apply", "-f", "-")
	probe.ConnectionReady(t, s.env.Client, connection)
}

// subject is who a grant is for: "User" or "Group", and the name.
type subject struct{ kind, name string }

// grantYAML is a PrefixGrant in the operator namespace with every
// permission on prefix.
func grantYAML(name, prefix string, who subject) string {
	return fmt.Sprintf(`apiVersion: s3am.io/v1alpha1
kind: PrefixGrant
metadata: {name: %s, namespace: %s}
spec: {connection: %s, bucket: %s, prefix: %q, permissions: [read, write, list, delete], subjects: [{kind: %s, name: %q}]}
`, name, namespace, connection, bucket, prefix, who.kind, who.name)
}

// waitOK waits until url answers 200, failing early if p exits.
func waitOK(t *testing.T, p *proc, url string) time.Duration {
	t.Helper()
	return poll.Until(t, 60*time.Second, p.name+" ready", func() bool {
		if !p.running() {
			t.Fatalf("%s exited:\n%s", p.name, p.tail(4000))
		}
		return probe.Status(httpClient, url) == http.StatusOK
	})
}
