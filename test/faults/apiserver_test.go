//go:build linux

package faults_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// apiServer stops and restarts the kube-apiserver envtest started, with its
// command line unchanged: same port, certificates and etcd, so every
// client's kubeconfig stays valid. envtest does not restart a server in
// place (its Start makes new certificates), so the suite finds the process
// among its own children and, once stopped, runs the same command itself.
type apiServer struct {
	pid       int
	path      string
	args      []string
	restarted *proc
}

// findAPIServer finds the kube-apiserver child of this test process.
func findAPIServer(t *testing.T) *apiServer {
	t.Helper()
	pid, err := childNamed("kube-apiserver")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil {
		t.Fatal(err)
	}
	argv := strings.Split(strings.TrimSuffix(string(raw), "\x00"), "\x00")
	return &apiServer{pid: pid, path: argv[0], args: argv[1:]}
}

// childNamed returns the pid of the one child of this process whose command
// is name.
func childNamed(name string) (int, error) {
	stats, err := filepath.Glob("/proc/[0-9]*/stat")
	if err != nil {
		return 0, err
	}
	var found []int
	for _, path := range stats {
		b, err := os.ReadFile(path)
		if err != nil {
			continue // the process exited meanwhile
		}
		// pid (comm) state ppid ...; comm may hold spaces and parentheses.
		open, end := bytes.IndexByte(b, '('), bytes.LastIndexByte(b, ')')
		if open < 0 || end < open {
			continue
		}
		fields := strings.Fields(string(b[end+1:]))
		if len(fields) < 2 || string(b[open+1:end]) != name || fields[1] != strconv.Itoa(os.Getpid()) {
			continue
		}
		pid, _ := strconv.Atoi(strings.TrimSpace(string(b[:open])))
		found = append(found, pid)
	}
	if len(found) != 1 {
		return 0, fmt.Errorf("children of this test named %s: %v, want exactly one", name, found)
	}
	return found[0], nil
}

// apiServerGrace is how long the kube-apiserver may drain its requests on
// SIGTERM before it is killed; with watches open it may take a minute.
const apiServerGrace = 3 * time.Second

// stop terminates the running kube-apiserver (SIGTERM, then SIGKILL after
// apiServerGrace) and waits until it is gone.
func (a *apiServer) stop(t *testing.T) {
	t.Helper()
	if a.restarted != nil {
		a.restarted.stop(syscall.SIGTERM, apiServerGrace)
		return
	}
	if err := syscall.Kill(a.pid, syscall.SIGTERM); err != nil {
		t.Fatalf("stop kube-apiserver: %v", err)
	}
	// envtest's goroutine reaps it; the pid is gone once it has.
	killAt := time.Now().Add(apiServerGrace)
	deadline := killAt.Add(30 * time.Second)
	for syscall.Kill(a.pid, 0) == nil {
		if time.Now().After(killAt) {
			_ = syscall.Kill(a.pid, syscall.SIGKILL)
		}
		if time.Now().After(deadline) {
			t.Fatalf("kube-apiserver %d still there 30s after SIGKILL", a.pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// start runs the same command again; the suite stops it at cleanup, before
// envtest stops etcd (cleanups run last-registered first).
func (a *apiServer) start(t *testing.T) {
	t.Helper()
	if a.restarted == nil {
		a.restarted = newProc(t, "kube-apiserver", a.path, nil, a.args...)
	}
	a.restarted.start(t)
}
