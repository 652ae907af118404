// Package proc runs child processes that do not outlive their parent: each
// in its own process group, which stopping signals as a whole, and, on
// Linux, killed by the kernel when the parent dies without cleaning up (a
// test binary's timeout panic, a SIGKILL from the user). The demo and the
// test harnesses start MinIO, PostgreSQL and `s3am` through it.
package proc

import (
	"fmt"
	"os/exec"
	"syscall"
	"time"
)

// Process is a started command in its own process group.
type Process struct {
	cmd    *exec.Cmd
	exited chan struct{}
	err    error
}

// Start starts cmd in a new process group tied to this process's life,
// keeping any SysProcAttr fields cmd already has (such as Credential). A
// command whose output is not a file should set cmd.WaitDelay, so that a
// grandchild holding the pipe cannot make Wait hang.
func Start(cmd *exec.Cmd) (*Process, error) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	isolate(cmd.SysProcAttr)
	p := &Process{cmd: cmd, exited: make(chan struct{})}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", cmd.Path, err)
	}
	go func() {
		p.err = cmd.Wait()
		close(p.exited)
	}()
	return p, nil
}

// Pid is the process's ID, which is also its group's.
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Exited is closed once the process has exited and been reaped.
func (p *Process) Exited() <-chan struct{} { return p.exited }

// Err is how the process exited, once Exited is closed.
func (p *Process) Err() error { return p.err }

// Running reports whether the process has not exited.
func (p *Process) Running() bool {
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

// Wait waits up to timeout for the process to exit: exited is false if it
// still runs, err is its exit error otherwise.
func (p *Process) Wait(timeout time.Duration) (exited bool, err error) {
	select {
	case <-p.exited:
		return true, p.err
	case <-time.After(timeout):
		return false, nil
	}
}

// Signal sends sig to the whole process group.
func (p *Process) Signal(sig syscall.Signal) { signalGroup(p.cmd.Process, sig) }

// Stop sends sig to the process group, gives it grace to exit, then kills
// whatever is left of the group and reaps the process. Stopping a stopped
// process does nothing more.
func (p *Process) Stop(sig syscall.Signal, grace time.Duration) {
	p.Signal(sig)
	p.finish(grace)
}

// StopLeader is Stop with sig sent to the process alone, for servers whose
// children read the same signal differently (PostgreSQL's backends cancel a
// query on SIGINT; its postmaster shuts down fast).
func (p *Process) StopLeader(sig syscall.Signal, grace time.Duration) {
	// The process may already be gone; there is nothing left to signal then.
	_ = p.cmd.Process.Signal(sig)
	p.finish(grace)
}

func (p *Process) finish(grace time.Duration) {
	select {
	case <-p.exited:
	case <-time.After(grace):
	}
	// Also reaches the children it forked, even after a clean exit.
	p.Signal(syscall.SIGKILL)
	<-p.exited
}

// GroupGone reports whether no process of the group pgid is left, as a
// check after stopping that nothing outlived its parent. It allows two
// seconds: killed grandchildren are reaped by init a moment later, and stay
// in the group as zombies until then.
func GroupGone(pgid int) bool {
	deadline := time.Now().Add(2 * time.Second)
	for !groupGone(pgid) {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
	return true
}
