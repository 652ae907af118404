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

// attr runs a command as u, when set, with no supplementary groups; proc.Start
// adds its own process group.
func (u *osUser) attr() *syscall.SysProcAttr {
	if u == nil {
		return nil
	}
	return &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: u.uid, Gid: u.gid}}
}
