package postgresserver

import (
	"syscall"
	"time"

	"github.com/s3am/s3-access-manager/internal/proc"
)

// stopGrace is how long a fast shutdown may take before the whole process
// group is killed. A fast shutdown writes a checkpoint: with a tiny test
// database it takes milliseconds, more on a loaded machine.
const stopGrace = 30 * time.Second

// outputLimit caps the server output kept for failure reports.
const outputLimit = 64 << 10

// stop asks the postmaster alone for a fast shutdown (SIGINT: roll back open
// transactions, disconnect clients, checkpoint, exit; SIGINT sent to the
// backends would merely cancel their queries), then kills whatever is left
// of the process group and reaps the postmaster. The data stays consistent,
// so the server can start again on it.
func stop(p *proc.Process) { p.StopLeader(syscall.SIGINT, stopGrace) }
