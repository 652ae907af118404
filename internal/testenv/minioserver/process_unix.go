//go:build unix

package minioserver

import (
	"os"
	"syscall"
)

// processGroupAttr puts the server in its own process group so that stop can
// signal everything it started.
func processGroupAttr() *syscall.SysProcAttr {
	attr := &syscall.SysProcAttr{Setpgid: true}
	setParentDeathSignal(attr)
	return attr
}

// signalGroup sends SIGTERM (or SIGKILL if kill) to p's process group.
func signalGroup(p *os.Process, kill bool) {
	sig := syscall.SIGTERM
	if kill {
		sig = syscall.SIGKILL
	}
	// The group may already be gone; there is nothing left to stop then.
	_ = syscall.Kill(-p.Pid, sig)
}
