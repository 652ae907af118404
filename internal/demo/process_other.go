//go:build !linux

package demo

import "syscall"

// processAttributes puts MinIO in its own process group.
func processAttributes() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
