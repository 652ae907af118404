package minioserver

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/s3am/s3-access-manager/internal/proc"
	"github.com/s3am/s3-access-manager/internal/testenv/tailbuf"
)

// Region is the region the server is configured with and clients sign for.
const Region = "us-east-1"

// startAttempts bounds retries when another process grabs a port between
// choosing it and MinIO binding it.
const startAttempts = 3

// readyTimeout bounds how long a fresh server may take to become ready; a
// cold start takes about a second, more on a loaded CI machine.
const readyTimeout = 60 * time.Second

// Server is a running MinIO process owned by one test.
type Server struct {
	// Endpoint is the S3 (and STS) endpoint, "http://127.0.0.1:PORT".
	Endpoint string
	// Region is always Region ("us-east-1").
	Region string
	// RootAccessKey and RootSecretKey are the random root credentials.
	RootAccessKey, RootSecretKey string
	// Dir is the test's temporary directory; the server keeps its data and
	// certificates under it.
	Dir string

	proc *proc.Process
	out  *tailbuf.Buffer
}

// Start runs a MinIO server for the duration of t and returns once it serves
// requests. The server is stopped, its whole process group killed, when t's
// cleanup runs. If bin/minio is missing the test is skipped with a message
// naming `make minio`, except under CI (CI=true), where it fails.
func Start(t testing.TB) *Server {
	t.Helper()
	bin := requireBinary(t, EnvMinIO, "minio")
	s := &Server{
		Region:        Region,
		RootAccessKey: "s3am-root-" + randomHex(t, 6),
		RootSecretKey: randomHex(t, 20),
		Dir:           t.TempDir(),
	}
	var lastErr error
	for range startAttempts {
		err := s.start(t, bin)
		if err == nil {
			return s
		}
		lastErr = err
		if !errors.Is(err, errPortTaken) {
			break
		}
	}
	t.Fatalf("start minio: %v", lastErr)
	return nil
}

// errPortTaken means MinIO exited because a chosen port was no longer free.
var errPortTaken = errors.New("port taken")

func (s *Server) start(t testing.TB, bin string) error {
	ports, err := freePorts(2)
	if err != nil {
		return err
	}
	addr := "127.0.0.1:" + strconv.Itoa(ports[0])
	data := filepath.Join(s.Dir, "data")
	certs := filepath.Join(s.Dir, "certs")
	cmd := exec.Command(bin, "server",
		"--quiet", "--anonymous",
		"--address", addr,
		"--console-address", "127.0.0.1:"+strconv.Itoa(ports[1]),
		"--certs-dir", certs,
		data)
	cmd.Env = append(environWithout("MINIO_", "AWS_", "MC_"),
		"MINIO_ROOT_USER="+s.RootAccessKey,
		"MINIO_ROOT_PASSWORD="+s.RootSecretKey,
		"MINIO_SITE_REGION="+Region,
		// Offline and quiet: no update checks, no web console, no
		// telemetry; CI/CD mode also shrinks MinIO's buffer pools so the
		// server fits beside the compiler on a small machine.
		"MINIO_UPDATE=off",
		"MINIO_BROWSER=off",
		"MINIO_CALLHOME_ENABLE=off",
		"MINIO_CI_CD=on",
	)
	s.out = tailbuf.New(outputLimit, s.RootSecretKey)
	cmd.Stdout, cmd.Stderr = s.out, s.out
	// Wait must not hang on a grandchild that inherited the output pipe.
	cmd.WaitDelay = stopGrace
	p, err := proc.Start(cmd)
	if err != nil {
		return err
	}
	s.Endpoint = "http://" + addr
	s.proc = p
	if err := s.waitReady(); err != nil {
		out := s.out.String()
		p.Stop(syscall.SIGTERM, stopGrace)
		if strings.Contains(out, "address already in use") {
			return fmt.Errorf("%w: %v", errPortTaken, err)
		}
		return fmt.Errorf("%w; server output:\n%s", err, out)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("minio output (secrets redacted):\n%s", s.out)
		}
		p.Stop(syscall.SIGTERM, stopGrace)
	})
	return nil
}

// waitReady polls the liveness endpoint until the object layer is up, then
// until IAM answers an STS call, which is the last subsystem tests need.
func (s *Server) waitReady() error {
	ctx, cancel := context.WithTimeout(context.Background(), readyTimeout)
	defer cancel()
	for {
		if err := s.probeLive(ctx); err == nil {
			break
		} else if ctx.Err() != nil {
			return fmt.Errorf("not live after %v: %w", readyTimeout, err)
		}
		if err := s.sleep(ctx, 50*time.Millisecond); err != nil {
			return err
		}
	}
	for {
		_, err := s.AssumeRole(ctx, "", 0)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("STS not ready after %v: %w", readyTimeout, err)
		}
		if err := s.sleep(ctx, 100*time.Millisecond); err != nil {
			return err
		}
	}
}

func (s *Server) probeLive(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.Endpoint+"/minio/health/live", nil)
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

// sleep waits d, or fails early if the process died or ctx ended.
func (s *Server) sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-time.After(d):
		return nil
	case <-s.proc.Exited():
		return fmt.Errorf("minio exited: %w", s.proc.Err())
	case <-ctx.Done():
		return fmt.Errorf("waiting for minio: %w", ctx.Err())
	}
}

// requireBinary finds a tool or ends the test: a skip that names the make
// target on a developer machine, a failure in CI where skipping would hide
// that the enforcement tests never ran.
func requireBinary(t testing.TB, env, name string) string {
	t.Helper()
	p, err := findBinary(env, name)
	if errors.Is(err, errNoBinary) {
		msg := fmt.Sprintf("%s is not installed (%v); run `make minio` to build bin/minio and bin/mc, or set %s", name, err, env)
		if inCI() {
			t.Fatalf("CI=true and %s", msg)
		}
		t.Skipf("SKIPPING REAL-MINIO TEST: %s", msg)
	}
	if err != nil {
		t.Fatalf("find %s: %v", name, err)
	}
	return p
}

func inCI() bool {
	v, _ := strconv.ParseBool(os.Getenv("CI"))
	return v
}

// freePorts reserves n distinct loopback ports by binding them all at once,
// then releases them for MinIO to bind.
func freePorts(n int) ([]int, error) {
	ports := make([]int, 0, n)
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("reserve port: %w", err)
		}
		defer l.Close()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// environWithout is the test's environment minus variables with the given
// prefixes, so a developer's MinIO, AWS or mc settings cannot leak in.
func environWithout(prefixes ...string) []string {
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

func randomHex(t testing.TB, n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatalf("random: %v", err)
	}
	return hex.EncodeToString(b)
}
