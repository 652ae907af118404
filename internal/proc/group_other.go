//go:build !unix

package proc

import (
	"os"
	"syscall"
)

func isolate(*syscall.SysProcAttr) {}

// signalGroup kills p: without process groups there is nothing more to reach.
func signalGroup(p *os.Process, _ syscall.Signal) { _ = p.Kill() }

func groupGone(int) bool { return true }
