package postgresserver

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/s3am/s3-access-manager/internal/launch"
	"github.com/s3am/s3-access-manager/internal/proc"
	"github.com/s3am/s3-access-manager/internal/tailbuf"
)

// initdbTimeout bounds initdb, which takes a second or two (no fsync).
const initdbTimeout = 2 * time.Minute

// superuser is the role initdb creates, whoever runs it.
const superuser = "postgres"

// initCluster creates the data directory: a UTF-8 cluster with the C locale
// (byte-order collation, independent of the machine's locales), SCRAM
// password authentication on TCP and trust on the unix socket, which lives
// in a directory only the server's account can enter.
func (s *Server) initCluster() error {
	pwfile := filepath.Join(s.Dir, "pwfile")
	if err := os.WriteFile(pwfile, []byte(s.password+"\n"), 0o600); err != nil {
		return fmt.Errorf("password file: %w", err)
	}
	defer os.Remove(pwfile)
	if err := s.owner.chown(pwfile); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), initdbTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(s.binDir, "initdb"),
		"--pgdata", s.dataDir,
		"--username", superuser,
		"--pwfile", pwfile,
		"--auth-host", "scram-sha-256",
		"--auth-local", "trust",
		"--encoding", "UTF8",
		"--no-locale",
		// The cluster is thrown away with the test; syncing it would only
		// slow the start. The server itself runs with fsync on.
		"--no-sync",
	)
	cmd.Dir = s.Dir
	cmd.Env = serverEnv()
	cmd.SysProcAttr = s.owner.attr()
	out := tailbuf.New(outputLimit, s.password)
	cmd.Stdout, cmd.Stderr = out, out
	p, err := proc.Start(cmd)
	if err != nil {
		return fmt.Errorf("initdb: %w", err)
	}
	if <-p.Exited(); p.Err() != nil {
		return fmt.Errorf("initdb: %w; output:\n%s", p.Err(), out)
	}
	return nil
}

// serverEnv is the test's environment without libpq's PG* variables and
// locale settings, so that neither a developer's PGHOST or PGPASSWORD nor a
// missing locale changes what initdb and postgres do.
func serverEnv() []string {
	return append(launch.EnvironWithout("PG", "LC_", "LANG"), "LC_ALL=C")
}
