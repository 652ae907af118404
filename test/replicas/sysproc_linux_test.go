package replicas_test

import "syscall"

// childAttr puts a child in its own process group, and has the kernel kill
// it if the test binary dies without running its cleanups (a timeout
// panic, a SIGKILL from the user).
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
