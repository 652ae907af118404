//go:build unix

package proc

import (
	"errors"
	"os"
	"syscall"
)

// isolate puts the child in its own process group, so that signalGroup
// reaches everything it starts.
func isolate(attr *syscall.SysProcAttr) {
	attr.Setpgid = true
	setParentDeathSignal(attr)
}

func signalGroup(p *os.Process, sig syscall.Signal) {
	// The group may already be gone; there is nothing left to signal then.
	_ = syscall.Kill(-p.Pid, sig)
}

func groupGone(pgid int) bool {
	return errors.Is(syscall.Kill(-pgid, 0), syscall.ESRCH)
}
