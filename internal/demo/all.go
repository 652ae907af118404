package demo

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/s3am/s3-access-manager/internal/launch"
	"github.com/s3am/s3-access-manager/internal/proc"
)

// allProcess is `s3am all` (the controllers, the webhooks and the partner
// server with the web app) running as a child process, started with the
// same flags a deployment would give it.
type allProcess struct {
	*proc.Process
}

// allArgs are the flags of the demo's `s3am all`.
func allArgs(o Options, hooks envtest.WebhookInstallOptions, dir, usersFile string, m *minioServer) []string {
	return append([]string{"all",
		"--namespace", OperatorNamespace,
		"--listen", o.Listen,
		// Demo users are picked on the login page (a session cookie) or,
		// from curl, with identity headers accepted from loopback only.
		"--proxy-trusted-cidrs", "127.0.0.1/32,::1/128",
		"--insecure-cookies",
		"--demo-users-file", usersFile,
		"--web-connect-origins", m.Endpoint,
		"--admin-group", AdminGroup,
		"--audit-writer", "demo",
		"--webhook-port", strconv.Itoa(hooks.LocalServingPort),
		"--webhook-cert-dir", hooks.LocalServingCertDir,
		"--metrics-bind-address", "0",
		"--health-probe-bind-address", "0",
		"--zap-log-level", "error",
	}, append(auditStore(o, dir), o.Args...)...)
}

// auditStore is the flag choosing the audit store: SQLite in dir, or the
// PostgreSQL database of o.AuditPostgresDSN (whose DSN, a secret, is passed
// in the environment).
func auditStore(o Options, dir string) []string {
	if o.AuditPostgresDSN != "" {
		return []string{"--audit-postgres"}
	}
	return []string{"--audit-sqlite", filepath.Join(dir, "audit.db")}
}

// startAll runs `s3am all` from o.Binary against the control plane and
// waits until its webhooks accept connections and its server is ready.
func startAll(ctx context.Context, o Options, cp *launch.ControlPlane, dir string, m *minioServer) (*allProcess, error) {
	if _, err := os.Stat(o.Binary); err != nil {
		return nil, fmt.Errorf("s3am binary: %w", err)
	}
	usersFile, err := writeDemoUsers(dir)
	if err != nil {
		return nil, err
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("session key: %w", err)
	}
	cmd := exec.Command(o.Binary, allArgs(o, cp.Env.WebhookInstallOptions, dir, usersFile, m)...)
	cmd.Env = append(os.Environ(), "KUBECONFIG="+cp.Kubeconfig, "S3AM_SESSION_KEY="+base64.StdEncoding.EncodeToString(key))
	if o.AuditPostgresDSN != "" {
		cmd.Env = append(cmd.Env, "S3AM_AUDIT_POSTGRES_DSN="+o.AuditPostgresDSN)
	}
	cmd.Stdout, cmd.Stderr = o.Logs, o.Logs
	// Wait must not hang on a grandchild holding o.Logs' pipe.
	cmd.WaitDelay = allStopGrace
	started, err := proc.Start(cmd)
	if err != nil {
		return nil, fmt.Errorf("start s3am all: %w", err)
	}
	p := &allProcess{started}
	if err := p.waitReady(ctx, "http://"+o.Listen+"/readyz", net.JoinHostPort(cp.Env.WebhookInstallOptions.LocalServingHost, strconv.Itoa(cp.Env.WebhookInstallOptions.LocalServingPort))); err != nil {
		p.Stop()
		return nil, err
	}
	return p, nil
}

func (p *allProcess) waitReady(ctx context.Context, readyz, webhookAddr string) error {
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-p.Exited():
			return fmt.Errorf("s3am all exited: %v", p.Err())
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if conn, err := net.DialTimeout("tcp", webhookAddr, time.Second); err == nil {
			conn.Close()
			if resp, err := http.Get(readyz); err == nil {
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					return nil
				}
			}
		}
	}
	return errors.New("s3am all did not become ready within 90s")
}

// allStopGrace is how long `s3am all` may take to drain and stop before
// its process group is killed.
const allStopGrace = 15 * time.Second

// Stop asks the process to drain and stop, and kills its group if it has
// not within allStopGrace.
func (p *allProcess) Stop() { p.Process.Stop(syscall.SIGTERM, allStopGrace) }
