//go:build unix && !linux

package proc

import "syscall"

// setParentDeathSignal does nothing where the kernel has no parent-death
// signal; stopping still kills the process group.
func setParentDeathSignal(*syscall.SysProcAttr) {}
