package postgresserver

import (
	"fmt"
	"os/exec"
	"sync"
	"time"

	"github.com/s3am/s3-access-manager/internal/testenv/tailbuf"
)

// stopGrace is how long a fast shutdown may take before the whole process
// group is killed. A fast shutdown writes a checkpoint: with a tiny test
// database it takes milliseconds, more on a loaded machine.
const stopGrace = 30 * time.Second

// outputLimit caps the server output kept for failure reports.
const outputLimit = 64 << 10

// process is a started postmaster in its own process group.
type process struct {
	cmd     *exec.Cmd
	out     *tailbuf.Buffer
	exited  chan struct{}
	waitErr error
	stopped sync.Once
}

// startProcess starts cmd (already carrying its SysProcAttr) with its output
// captured into out.
func startProcess(cmd *exec.Cmd, out *tailbuf.Buffer) (*process, error) {
	p := &process{cmd: cmd, out: out, exited: make(chan struct{})}
	cmd.Stdout = out
	cmd.Stderr = out
	// Wait must not hang on a backend that inherited the output pipe.
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

// stop asks the postmaster for a fast shutdown (SIGINT: roll back open
// transactions, disconnect clients, checkpoint, exit), then kills whatever
// is left of the process group, and reaps the postmaster. The data stays
// consistent, so the server can start again on it.
func (p *process) stop() {
	p.stopped.Do(func() {
		signalFastShutdown(p.cmd.Process)
		select {
		case <-p.exited:
		case <-time.After(stopGrace):
		}
		// Backends exit after the postmaster; make sure none outlives it.
		killGroup(p.cmd.Process)
		<-p.exited
	})
}

// running reports whether the postmaster has not exited.
func (p *process) running() bool {
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}
