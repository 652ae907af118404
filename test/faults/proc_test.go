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

	sysproc "github.com/s3am/s3-access-manager/internal/proc"
)

// proc is a process the suite starts, kills and starts again with the same
// command line: `s3am` processes, and the kube-apiserver once it has been
// restarted. Its output is appended to one file across restarts. Each run
// is an internal/proc process: its own group, killed with the test binary.
type proc struct {
	name string
	path string
	args []string
	env  []string
	// environ, if set, replaces the test's environment (env is added).
	environ []string
	logPath string

	mu  sync.Mutex
	run *sysproc.Process
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

// start runs the command.
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
	run, err := sysproc.Start(cmd)
	if err != nil {
		out.Close()
		t.Fatalf("start %s: %v", p.name, err)
	}
	go func() {
		<-run.Exited()
		out.Close()
	}()
	p.mu.Lock()
	p.run = run
	p.mu.Unlock()
}

// writerOnly hides a file's other methods, so that exec copies into it
// through a pipe.
type writerOnly struct{ io.Writer }

// pid is the running process's ID.
func (p *proc) pid() int {
	if run := p.current(); run != nil {
		return run.Pid()
	}
	return 0
}

// current is the running process, nil before start.
func (p *proc) current() *sysproc.Process {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.run
}

// signal sends sig to the process group.
func (p *proc) signal(sig syscall.Signal) {
	if run := p.current(); run != nil {
		run.Signal(sig)
	}
}

// stop continues the process if it is stopped (SIGSTOP), so that it can
// exit, then sends sig, waits up to grace, kills the group and reaps the
// process.
func (p *proc) stop(sig syscall.Signal, grace time.Duration) {
	run := p.current()
	if run == nil {
		return
	}
	run.Signal(syscall.SIGCONT)
	run.Stop(sig, grace)
	if err := syscall.Kill(-run.Pid(), 0); !errors.Is(err, syscall.ESRCH) {
		// Give the kernel a moment to reap the rest of the group.
		time.Sleep(100 * time.Millisecond)
	}
}

// running reports whether the process has been started and not exited.
func (p *proc) running() bool {
	run := p.current()
	return run != nil && run.Running()
}

// tail is the last n bytes of the output.
func (p *proc) tail(n int) string {
	b, _ := os.ReadFile(p.logPath)
	if len(b) > n {
		b = append([]byte("..."), b[len(b)-n:]...)
	}
	return string(b)
}
