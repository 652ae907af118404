//go:build !unix

package postgresserver

import "syscall"

// osUser is unused without unix accounts.
type osUser struct{}

func serverUser() (*osUser, error) { return nil, nil }

func (*osUser) chown(string) error { return nil }

func (*osUser) attr() *syscall.SysProcAttr { return nil }
