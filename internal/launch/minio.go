package launch

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/s3am/s3-access-manager/internal/proc"
	"github.com/s3am/s3-access-manager/internal/tailbuf"
)

// minioStopGrace is how long MinIO gets to exit on SIGTERM before the whole
// process group is killed.
const minioStopGrace = 5 * time.Second

// minioReadyTimeout bounds how long a fresh server may take to become live;
// a cold start takes about a second, more on a loaded CI machine.
const minioReadyTimeout = 60 * time.Second

// outputLimit caps the server output kept for error messages.
const outputLimit = 64 << 10

// MinIOOptions say which MinIO to run and how. MinIO is AGPL: it runs as a
// separate program and none of its code is linked.
type MinIOOptions struct {
	// Binary is the minio server program.
	Binary string
	// DataDir keeps the server's data.
	DataDir string
	// RootUser and RootPassword are the root credentials.
	RootUser, RootPassword string
	// Args are more flags for `minio server`, e.g. --certs-dir.
	Args []string
	// Env are more environment variables, e.g. MINIO_SITE_REGION.
	Env []string
}

// MinIO is a running MinIO server on loopback.
type MinIO struct {
	// Endpoint is the S3 (and STS) endpoint, "http://127.0.0.1:PORT".
	Endpoint string
	// Process is the server's process group.
	Process *proc.Process
	// Output is the end of the server's output, the root password redacted.
	Output *tailbuf.Buffer
}

// StartMinIO runs MinIO on two free loopback ports (S3 and the console) and
// returns once it is live with its object layer up; it tries other ports
// when a chosen one was taken meanwhile. The caller stops it with Stop.
func StartMinIO(ctx context.Context, o MinIOOptions) (*MinIO, error) {
	if _, err := os.Stat(o.Binary); err != nil {
		return nil, fmt.Errorf("MinIO not found at %s: run `make minio`: %w", o.Binary, err)
	}
	var m *MinIO
	err := RetryPortTaken(func() error {
		var err error
		m, err = startMinIO(ctx, o)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("start minio: %w", err)
	}
	return m, nil
}

func startMinIO(ctx context.Context, o MinIOOptions) (*MinIO, error) {
	ports, err := FreePorts(2)
	if err != nil {
		return nil, err
	}
	addr := "127.0.0.1:" + strconv.Itoa(ports[0])
	args := append([]string{"server", "--quiet",
		"--address", addr,
		"--console-address", "127.0.0.1:" + strconv.Itoa(ports[1]),
	}, o.Args...)
	cmd := exec.Command(o.Binary, append(args, o.DataDir)...)
	// A developer's MinIO, AWS or mc settings must not leak in.
	cmd.Env = append(EnvironWithout("MINIO_", "AWS_", "MC_"),
		"MINIO_ROOT_USER="+o.RootUser,
		"MINIO_ROOT_PASSWORD="+o.RootPassword,
		// Offline and quiet: no update checks, no web console, no telemetry.
		"MINIO_UPDATE=off",
		"MINIO_BROWSER=off",
		"MINIO_CALLHOME_ENABLE=off",
	)
	cmd.Env = append(cmd.Env, o.Env...)
	m := &MinIO{Endpoint: "http://" + addr, Output: tailbuf.New(outputLimit, o.RootPassword)}
	cmd.Stdout, cmd.Stderr = m.Output, m.Output
	// Wait must not hang on a grandchild that inherited the output pipe.
	cmd.WaitDelay = minioStopGrace
	if m.Process, err = proc.Start(cmd); err != nil {
		return nil, err
	}
	if err := m.waitLive(ctx); err != nil {
		m.Stop()
		out := m.Output.String()
		if strings.Contains(out, "address already in use") {
			return nil, fmt.Errorf("%w: %v", ErrPortTaken, err)
		}
		return nil, fmt.Errorf("%w; server output:\n%s", err, out)
	}
	return m, nil
}

// waitLive polls the liveness endpoint until the object layer is up.
func (m *MinIO) waitLive(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, minioReadyTimeout)
	defer cancel()
	for {
		err := m.probeLive(ctx)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("not live after %v: %w", minioReadyTimeout, err)
		}
		if err := m.Sleep(ctx, 50*time.Millisecond); err != nil {
			return err
		}
	}
}

func (m *MinIO) probeLive(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, m.Endpoint+"/minio/health/live", nil)
	if err != nil {
		return fmt.Errorf("health request: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("health check: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("health check: %s", resp.Status)
	}
	// MinIO answers 200 before its object layer exists and says so here.
	if st := resp.Header.Get("X-Minio-Server-Status"); st == "offline" {
		return errors.New("health check: object layer not initialized")
	}
	return nil
}

// Sleep waits d, or fails early if the server died or ctx ended.
func (m *MinIO) Sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-time.After(d):
		return nil
	case <-m.Process.Exited():
		return fmt.Errorf("minio exited: %w", m.Process.Err())
	case <-ctx.Done():
		return fmt.Errorf("waiting for minio: %w", ctx.Err())
	}
}

// Stop ends the server's process group: SIGTERM, then SIGKILL after a grace.
func (m *MinIO) Stop() { m.Process.Stop(syscall.SIGTERM, minioStopGrace) }

// EnvironWithout is this process's environment minus the variables with the
// given prefixes.
func EnvironWithout(prefixes ...string) []string {
	var env []string
outer:
	for _, kv := range os.Environ() {
		for _, p := range prefixes {
			if strings.HasPrefix(kv, p) {
				continue outer
			}
		}
		env = append(env, kv)
	}
	return env
}
