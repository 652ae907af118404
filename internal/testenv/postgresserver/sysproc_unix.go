//go:build unix

package postgresserver

import (
	"fmt"
	"os"
	"os/user"
	"strconv"
	"syscall"
)

// osUser is the account the server runs as when the tests run as root.
type osUser struct {
	name     string
	uid, gid uint32
}

// serverUser returns nil when the test can run PostgreSQL as itself, and the
// `postgres` account when it runs as root, which PostgreSQL refuses.
func serverUser() (*osUser, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("tests run as root, PostgreSQL refuses root, and there is no postgres OS user to run it as: %w", err)
	}
	uid, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("uid of postgres: %w", err)
	}
	gid, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("gid of postgres: %w", err)
	}
	return &osUser{name: u.Username, uid: uint32(uid), gid: uint32(gid)}, nil
}

// chown gives path to the server's account, if it runs as another one.
func (u *osUser) chown(path string) error {
	if u == nil {
		return nil
	}
	if err := os.Chown(path, int(u.uid), int(u.gid)); err != nil {
		return fmt.Errorf("chown %s to %s: %w", path, u.name, err)
	}
	return nil
}

// procAttr puts a command in its own process group (so stop reaches every
// backend) and, when u is set, runs it as u with no supplementary groups.
func procAttr(u *osUser) *syscall.SysProcAttr {
	attr := &syscall.SysProcAttr{Setpgid: true}
	setParentDeathSignal(attr)
	if u != nil {
		attr.Credential = &syscall.Credential{Uid: u.uid, Gid: u.gid}
	}
	return attr
}

// signalFastShutdown sends SIGINT to the postmaster alone: PostgreSQL's fast
// shutdown. (SIGTERM would wait for clients to disconnect; SIGINT sent to the
// backends would merely cancel their queries.)
func signalFastShutdown(p *os.Process) {
	// The process may already be gone; there is nothing left to stop then.
	_ = p.Signal(syscall.SIGINT)
}

// killGroup sends SIGKILL to p's process group.
func killGroup(p *os.Process) {
	_ = syscall.Kill(-p.Pid, syscall.SIGKILL)
}
