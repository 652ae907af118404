package minioserver

import (
	"fmt"
	"os/exec"
	"sync"
	"time"

	"github.com/s3am/s3-access-manager/internal/testenv/tailbuf"
)

// stopGrace is how long MinIO gets to exit on SIGTERM before the whole
// process group is killed.
const stopGrace = 5 * time.Second

// outputLimit caps the server output kept for failure reports.
const outputLimit = 64 << 10

// process is a started command in its own process group.
type process struct {
	cmd     *exec.Cmd
	out     *tailbuf.Buffer
	exited  chan struct{}
	waitErr error
	stopped sync.Once
}

// startProcess starts cmd in a new process group with its output captured;
// secret is redacted from anything the output is later shown as.
func startProcess(cmd *exec.Cmd, secret string) (*process, error) {
	p := &process{cmd: cmd, out: tailbuf.New(outputLimit, secret), exited: make(chan struct{})}
	cmd.Stdout = p.out
	cmd.Stderr = p.out
	cmd.SysProcAttr = processGroupAttr()
	// Wait must not hang on a grandchild that inherited the output pipe.
	cmd.WaitDelay = stopGrace
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("run %s: %w", cmd.Path, err)
	}
	go func() {
		p.waitErr = cmd.Wait()
		close(p.exited)
	}()
	return p, nil
}

// stop terminates the process group and waits for the process to be reaped,
// so no server outlives its test.
func (p *process) stop() {
	p.stopped.Do(func() {
		signalGroup(p.cmd.Process, false)
		select {
		case <-p.exited:
		case <-time.After(stopGrace):
		}
		// Also reaps any child MinIO forked, even after a clean exit.
		signalGroup(p.cmd.Process, true)
		<-p.exited
	})
}

func (p *process) output() string { return p.out.String() }
