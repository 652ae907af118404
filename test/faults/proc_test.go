//go:build linux

package faults_test

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
)

// proc is a process the suite starts, kills and starts again with the same
// command line: `s3am` processes, and the kube-apiserver once it has been
// restarted. Its output is appended to one file across restarts.
type proc struct {
	name string
	path string
	args []string
	env  []string
	// environ, if set, replaces the test's environment (env is added).
	environ []string
	logPath string

	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan struct{}
}

// newProc prepares a process; start runs it. At cleanup it is stopped with
// SIGTERM (SIGKILL after a grace period) and its output is shown if the test
// failed.
func newProc(t *testing.T, name, path string, env []string, args ...string) *proc {
	t.Helper()
	p := &proc{name: name, path: path, args: args, env: env, logPath: filepath.Join(t.TempDir(), name+".log")}
	t.Cleanup(func() {
		p.stop(syscall.SIGTERM, 20*time.Second)
		if t.Failed() {
			t.Logf("--- last output of %s ---\n%s", name, p.tail(4000))
		}
	})
	return p
}

// start runs the command in its own process group, which the kernel kills
// if the test binary dies without its cleanups.
func (p *proc) start(t *testing.T) {
	t.Helper()
	out, err := os.OpenFile(p.logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(p.path, p.args...)
	base := p.environ
	if base == nil {
		base = os.Environ()
	}
	cmd.Env = append(base, p.env...)
	// Through a pipe, not the file itself: a file size limit set on the
	// process (the disk-full fault) must not stop its output.
	cmd.Stdout, cmd.Stderr = writerOnly{out}, writerOnly{out}
	// Wait must not hang on a grandchild that inherited the pipe.
	cmd.WaitDelay = 5 * time.Second
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		out.Close()
		t.Fatalf("start %s: %v", p.name, err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		out.Close()
		close(exited)
	}()
	p.mu.Lock()
	p.cmd, p.exited = cmd, exited
	p.mu.Unlock()
}

// writerOnly hides a file's other methods, so that exec copies into it
// through a pipe.
type writerOnly struct{ io.Writer }

// pid is the running process's ID.
func (p *proc) pid() int {
	cmd, _ := p.current()
	if cmd == nil {
		return 0
	}
	return cmd.Process.Pid
}

// current is the running command and its exit channel, nil before start.
func (p *proc) current() (*exec.Cmd, chan struct{}) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cmd, p.exited
}

// signal sends sig to the process group.
func (p *proc) signal(sig syscall.Signal) {
	if cmd, _ := p.current(); cmd != nil {
		// The group may be gone already; there is nothing to signal then.
		_ = syscall.Kill(-cmd.Process.Pid, sig)
	}
}

// stop sends sig, waits up to grace, then kills the group and reaps the
// process. A stopped (SIGSTOP) process is continued so that it can exit.
func (p *proc) stop(sig syscall.Signal, grace time.Duration) {
	cmd, exited := p.current()
	if cmd == nil {
		return
	}
	p.signal(sig)
	p.signal(syscall.SIGCONT)
	select {
	case <-exited:
	case <-time.After(grace):
	}
	p.signal(syscall.SIGKILL)
	<-exited
	if err := syscall.Kill(-cmd.Process.Pid, 0); !errors.Is(err, syscall.ESRCH) {
		// Give the kernel a moment to reap the rest of the group.
		time.Sleep(100 * time.Millisecond)
	}
}

// running reports whether the process has been started and not exited.
func (p *proc) running() bool {
	_, exited := p.current()
	if exited == nil {
		return false
	}
	select {
	case <-exited:
		return false
	default:
		return true
	}
}

// tail is the last n bytes of the output.
func (p *proc) tail(n int) string {
	b, _ := os.ReadFile(p.logPath)
	if len(b) > n {
		b = append([]byte("..."), b[len(b)-n:]...)
	}
	return string(b)
}
