//go:build !unix

package postgresserver

import (
	"os"
	"syscall"
)

// osUser is unused without unix accounts.
type osUser struct{}

func serverUser() (*osUser, error) { return nil, nil }

func (*osUser) chown(string) error { return nil }

func procAttr(*osUser) *syscall.SysProcAttr { return nil }

// signalFastShutdown kills p: without signals there is no fast shutdown, and
// the next start recovers from the WAL.
func signalFastShutdown(p *os.Process) { _ = p.Kill() }

func killGroup(p *os.Process) { _ = p.Kill() }
