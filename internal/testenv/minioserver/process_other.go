//go:build !unix

package minioserver

import (
	"os"
	"syscall"
)

func processGroupAttr() *syscall.SysProcAttr { return nil }

// signalGroup kills p; without process groups there is nothing more to reach.
func signalGroup(p *os.Process, _ bool) {
	_ = p.Kill()
}
