package postgresserver

import "syscall"

// setParentDeathSignal kills the postmaster if the test binary dies without
// running its cleanups (a timeout panic, a SIGKILL from the user); its
// backends exit when they notice the postmaster is gone. Go sets the signal
// after switching credentials, which would otherwise clear it.
func setParentDeathSignal(attr *syscall.SysProcAttr) {
	attr.Pdeathsig = syscall.SIGKILL
}
