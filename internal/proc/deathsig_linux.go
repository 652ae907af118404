package proc

import "syscall"

// setParentDeathSignal has the kernel kill the child when its parent dies.
// Go sets it after switching credentials, which would otherwise clear it.
func setParentDeathSignal(attr *syscall.SysProcAttr) {
	attr.Pdeathsig = syscall.SIGKILL
}
