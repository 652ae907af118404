//go:build unix && !linux

package postgresserver

import "syscall"

// setParentDeathSignal does nothing where the kernel has no parent-death
// signal; cleanup still kills the process group.
func setParentDeathSignal(*syscall.SysProcAttr) {}
