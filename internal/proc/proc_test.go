//go:build unix

package proc_test

import (
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/s3am/s3-access-manager/internal/proc"
)

// A process that ignores SIGTERM and has forked a child is stopped with its
// whole group.
func TestStopReachesTheWholeGroup(t *testing.T) {
	p, err := proc.Start(exec.Command("sh", "-c", "trap '' TERM; sleep 60 & wait"))
	if err != nil {
		t.Fatal(err)
	}
	if exited, _ := p.Wait(100 * time.Millisecond); exited || !p.Running() {
		t.Fatalf("the process is not running: %v", p.Err())
	}
	p.Stop(syscall.SIGTERM, 200*time.Millisecond)
	if p.Running() || !proc.GroupGone(p.Pid()) {
		t.Fatal("something of the group outlived Stop")
	}
	p.Stop(syscall.SIGTERM, time.Second) // stopping again does nothing
}

func TestStopLeaderSignalsTheLeaderFirst(t *testing.T) {
	p, err := proc.Start(exec.Command("sh", "-c", "sleep 60 & trap 'exit 3' INT; wait"))
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond) // let the shell set its trap
	p.StopLeader(syscall.SIGINT, 10*time.Second)
	if ee, ok := p.Err().(*exec.ExitError); !ok || ee.ExitCode() != 3 {
		t.Fatalf("exit: %v, want the leader's own exit 3 on SIGINT", p.Err())
	}
	if !proc.GroupGone(p.Pid()) {
		t.Fatal("the leader's child outlived StopLeader")
	}
}
