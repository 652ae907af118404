//go:build unix && !linux

package replicas_test

import "syscall"

// childAttr puts a child in its own process group; only Linux can also tie
// its life to the test binary's.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
