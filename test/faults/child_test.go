//go:build linux

package faults_test

import (
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/s3am/s3-access-manager/internal/testenv/children"
)

// dependency is a server the harnesses started (envtest's kube-apiserver,
// MinIO) that the suite hangs, stops and starts again with its command
// line and environment unchanged: same port, data, certificates and
// credentials, so every client's configuration stays valid. The harnesses
// do not restart a server in place (envtest's Start makes new
// certificates, MinIO's picks new ports), so the suite finds the process
// among its own children and, once it is stopped, runs the same command
// itself.
type dependency struct {
	name string
	// pid is the harness's process, until it has been stopped.
	pid       int
	path      string
	args, env []string
	// top is the test that owns the restarted process.
	top       *testing.T
	restarted *proc
}

// findDependency finds the one child of this test process whose command is
// name.
func findDependency(t *testing.T, name string) *dependency {
	t.Helper()
	pid, err := children.Named(name)
	if err != nil {
		t.Fatal(err)
	}
	argv, err := procStrings(pid, "cmdline")
	if err != nil {
		t.Fatal(err)
	}
	env, err := procStrings(pid, "environ")
	if err != nil {
		t.Fatal(err)
	}
	return &dependency{name: name, pid: pid, path: argv[0], args: argv[1:], env: env, top: t}
}

// procStrings reads a NUL-separated file of /proc/<pid>.
func procStrings(pid int, file string) ([]string, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/%s", pid, file))
	if err != nil {
		return nil, err
	}
	return strings.Split(strings.TrimSuffix(string(raw), "\x00"), "\x00"), nil
}

// signal sends sig to the running process's group (each harness starts
// its server in a group of its own).
func (d *dependency) signal(sig syscall.Signal) {
	if d.restarted != nil {
		d.restarted.signal(sig)
		return
	}
	if syscall.Kill(-d.pid, sig) != nil {
		_ = syscall.Kill(d.pid, sig) // not a group leader after all
	}
}

// pause stops the process (SIGSTOP) without closing its sockets: the
// kernel accepts connections that are never answered, as with a hung
// server. resume continues it.
func (d *dependency) pause()  { d.signal(syscall.SIGSTOP) }
func (d *dependency) resume() { d.signal(syscall.SIGCONT) }

// stop sends sig, then SIGKILL after grace, and waits until the process is
// gone.
func (d *dependency) stop(t *testing.T, sig syscall.Signal, grace time.Duration) {
	t.Helper()
	if d.restarted != nil {
		d.restarted.stop(sig, grace)
		return
	}
	d.signal(sig)
	// The harness's goroutine reaps it; the pid is gone once it has.
	killAt := time.Now().Add(grace)
	deadline := killAt.Add(30 * time.Second)
	for syscall.Kill(d.pid, 0) == nil {
		if time.Now().After(killAt) {
			d.signal(syscall.SIGKILL)
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s %d still there 30s after SIGKILL", d.name, d.pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// start runs the same command again. The suite stops it when the top-level
// test ends, before the harness's own cleanups (cleanups run
// last-registered first), so envtest still stops etcd after it.
func (d *dependency) start() {
	if d.restarted == nil {
		d.restarted = newProc(d.top, d.name, d.path, nil, d.args...)
		d.restarted.environ = d.env
	}
	d.restarted.start(d.top)
}
