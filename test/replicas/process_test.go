//go:build unix

package replicas_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// stopGrace is how long a child gets to exit on SIGTERM at cleanup before its
// process group is killed.
const stopGrace = 20 * time.Second

// child is one `s3am` process in its own process group, its output in a
// file so that the test can read it and a grandchild holding the output
// open cannot block Wait.
type child struct {
	name    string
	cmd     *exec.Cmd
	logPath string
	exited  chan struct{}
	waitErr error
}

// startChild runs bin with args and env added to the test's environment. At
// cleanup the whole process group is stopped and reaped, and the test fails
// if anything of it is still alive.
func startChild(t *testing.T, name, bin string, env []string, args ...string) *child {
	t.Helper()
	c := &child{name: name, logPath: filepath.Join(t.TempDir(), name+".log"), exited: make(chan struct{})}
	out, err := os.Create(c.logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	c.cmd = exec.Command(bin, args...)
	c.cmd.Env = append(os.Environ(), env...)
	c.cmd.Stdout, c.cmd.Stderr = out, out
	c.cmd.SysProcAttr = childAttr()
	if err := c.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	go func() {
		c.waitErr = c.cmd.Wait()
		close(c.exited)
	}()
	t.Cleanup(func() {
		c.stop(syscall.SIGTERM, stopGrace)
		if t.Failed() {
			t.Logf("--- last output of %s ---\n%s", name, c.tail(6000))
		}
		if err := syscall.Kill(-c.cmd.Process.Pid, 0); !errors.Is(err, syscall.ESRCH) {
			t.Errorf("%s: its process group %d outlived the test (kill 0: %v)", name, c.cmd.Process.Pid, err)
		}
	})
	return c
}

// signal sends sig to the child's process group.
func (c *child) signal(sig syscall.Signal) {
	// The group may already be gone; there is nothing to signal then.
	_ = syscall.Kill(-c.cmd.Process.Pid, sig)
}

// stop sends sig, waits up to grace for the child to exit, then kills the
// group and reaps the child.
func (c *child) stop(sig syscall.Signal, grace time.Duration) {
	c.signal(sig)
	select {
	case <-c.exited:
	case <-time.After(grace):
	}
	c.signal(syscall.SIGKILL)
	<-c.exited
}

// running reports whether the child has not exited.
func (c *child) running() bool {
	select {
	case <-c.exited:
		return false
	default:
		return true
	}
}

// wait waits up to timeout for the child to exit; exited is false if it is
// still running, err is its exit error otherwise.
func (c *child) wait(timeout time.Duration) (exited bool, err error) {
	select {
	case <-c.exited:
		return true, c.waitErr
	case <-time.After(timeout):
		return false, nil
	}
}

// output is everything the child has written so far.
func (c *child) output() string {
	b, err := os.ReadFile(c.logPath)
	if err != nil {
		return ""
	}
	return string(b)
}

// tail is the last n bytes of the output.
func (c *child) tail(n int) string {
	s := c.output()
	if len(s) > n {
		s = "..." + s[len(s)-n:]
	}
	return s
}

// lines returns the output lines containing every one of subs.
func (c *child) lines(subs ...string) []string {
	var out []string
	for _, l := range strings.Split(c.output(), "\n") {
		all := true
		for _, s := range subs {
			all = all && strings.Contains(l, s)
		}
		if all && l != "" {
			out = append(out, l)
		}
	}
	return out
}
