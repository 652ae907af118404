package demo

import "syscall"

// processAttributes puts MinIO in its own process group, and has the kernel
// kill it if the demo dies without cleaning up.
func processAttributes() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
