package demo

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
	"strconv"
	"syscall"
	"time"

	"github.com/s3am/s3-access-manager/internal/proc"
)

// minioServer is a MinIO process the demo runs on loopback with a temporary
// data directory. MinIO is AGPL: the demo runs it as a separate program and
// links none of its code.
type minioServer struct {
	Endpoint             string
	AccessKey, SecretKey string
	proc                 *proc.Process
	dir                  string
}

func startMinIO(ctx context.Context, bin string) (*minioServer, error) {
	if _, err := os.Stat(bin); err != nil {
		return nil, fmt.Errorf("MinIO not found at %s: run `make minio`: %w", bin, err)
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	console, err := freePort()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "s3am-demo-minio-")
	if err != nil {
		return nil, fmt.Errorf("minio data dir: %w", err)
	}
	m := &minioServer{
		Endpoint:  "http://127.0.0.1:" + strconv.Itoa(port),
		AccessKey: "demo-" + randomHex(6),
		SecretKey: randomHex(20),
		dir:       dir,
	}
	cmd := exec.Command(bin, "server", "--quiet", "--address", "127.0.0.1:"+strconv.Itoa(port),
		"--console-address", "127.0.0.1:"+strconv.Itoa(console), dir)
	cmd.Env = append(os.Environ(), "MINIO_ROOT_USER="+m.AccessKey, "MINIO_ROOT_PASSWORD="+m.SecretKey,
		"MINIO_BROWSER=off", "MINIO_UPDATE=off", "MINIO_CALLHOME_ENABLE=off")
	if m.proc, err = proc.Start(cmd); err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("start minio: %w", err)
	}
	if err := m.waitLive(ctx); err != nil {
		m.Stop()
		return nil, err
	}
	return m, nil
}

func (m *minioServer) waitLive(ctx context.Context) error {
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-m.proc.Exited():
			return fmt.Errorf("minio exited: %v", m.proc.Err())
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		resp, err := http.Get(m.Endpoint + "/minio/health/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
	}
	return errors.New("minio did not become ready within 60s")
}

// Stop ends the process group and removes the data directory.
func (m *minioServer) Stop() {
	m.proc.Stop(syscall.SIGTERM, 5*time.Second)
	_ = os.RemoveAll(m.dir)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
