package minioserver

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/s3am/s3-access-manager/internal/launch"
)

// Region is the region the server is configured with and clients sign for.
const Region = "us-east-1"

// readyTimeout bounds how long a live server may take until IAM answers.
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

	minio *launch.MinIO
	// paused is set while Pause holds the server stopped.
	paused atomic.Bool
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
		RootAccessKey: "s3am-root-" + launch.RandomHex(6),
		RootSecretKey: launch.RandomHex(20),
		Dir:           t.TempDir(),
	}
	m, err := launch.StartMinIO(context.Background(), launch.MinIOOptions{
		Binary:       bin,
		DataDir:      filepath.Join(s.Dir, "data"),
		RootUser:     s.RootAccessKey,
		RootPassword: s.RootSecretKey,
		Args:         []string{"--anonymous", "--certs-dir", filepath.Join(s.Dir, "certs")},
		// CI/CD mode shrinks MinIO's buffer pools so the server fits
		// beside the compiler on a small machine.
		Env: []string{"MINIO_SITE_REGION=" + Region, "MINIO_CI_CD=on"},
	})
	if err != nil {
		t.Fatal(err)
	}
	s.minio, s.Endpoint = m, m.Endpoint
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("minio output (secrets redacted):\n%s", m.Output)
		}
		m.Stop()
	})
	if err := s.waitSTS(); err != nil {
		t.Fatalf("start minio: %v; server output:\n%s", err, m.Output)
	}
	return s
}

// waitSTS waits until IAM answers an STS call, the last subsystem tests
// need to come up after the object layer.
func (s *Server) waitSTS() error {
	ctx, cancel := context.WithTimeout(context.Background(), readyTimeout)
	defer cancel()
	for {
		_, err := s.AssumeRole(ctx, "", 0)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("STS not ready after %v: %w", readyTimeout, err)
		}
		if err := s.minio.Sleep(ctx, 100*time.Millisecond); err != nil {
			return err
		}
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
