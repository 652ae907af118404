package minioserver

import "syscall"

// setParentDeathSignal kills the server if the test binary dies without
// running its cleanups (a timeout panic, a SIGKILL from the user).
func setParentDeathSignal(attr *syscall.SysProcAttr) {
	attr.Pdeathsig = syscall.SIGKILL
}
