//go:build unix

package authz_test

import (
	"syscall"
	"time"
)

// cpuTime returns the CPU time the process has used. Benchmarks report it per
// operation beside wall time because the machines they run on are shared: a
// busy neighbour stretches wall time, not CPU time.
func cpuTime() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
