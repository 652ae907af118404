//go:build unix

package replicas_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/s3am/s3-access-manager/internal/proc"
)

// stopGrace is how long a child gets to exit on SIGTERM at cleanup before its
// process group is killed.
const stopGrace = 20 * time.Second

// child is one `s3am` process in its own process group, its output in a
// file so that the test can read it and a grandchild holding the output
// open cannot block Wait.
type child struct {
	*proc.Process
	name    string
	logPath string
}

// startChild runs bin with args and env added to the test's environment. At
// cleanup the whole process group is stopped and reaped, and the test fails
// if anything of it is still alive.
func startChild(t *testing.T, name, bin string, env []string, args ...string) *child {
	t.Helper()
	c := &child{name: name, logPath: filepath.Join(t.TempDir(), name+".log")}
	out, err := os.Create(c.logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = out, out
	if c.Process, err = proc.Start(cmd); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	t.Cleanup(func() {
		c.Stop(syscall.SIGTERM, stopGrace)
		if t.Failed() {
			t.Logf("--- last output of %s ---\n%s", name, c.tail(6000))
		}
		if !proc.GroupGone(c.Pid()) {
			t.Errorf("%s: its process group %d outlived the test", name, c.Pid())
		}
	})
	return c
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
