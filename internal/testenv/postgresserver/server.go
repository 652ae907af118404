package postgresserver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/s3am/s3-access-manager/internal/launch"
	"github.com/s3am/s3-access-manager/internal/proc"
	"github.com/s3am/s3-access-manager/internal/tailbuf"

	"github.com/jackc/pgx/v5"
)

// readyTimeout bounds how long the server may take to accept connections; a
// cold start takes well under a second, more on a loaded CI machine or after
// a crash (recovery replays the WAL).
const readyTimeout = 60 * time.Second

// Server is a running PostgreSQL cluster owned by one test.
type Server struct {
	// Dir is the server's temporary directory: data/, sock/ and nothing
	// else. It is removed when the test ends.
	Dir string
	// Port is the loopback TCP port, the same after StartAgain.
	Port int

	binDir   string
	dataDir  string
	sockDir  string
	password string
	owner    *osUser
	out      *tailbuf.Buffer
	dbs      atomic.Int64

	mu   sync.Mutex
	proc *proc.Process
}

// Start initializes a cluster in a new temporary directory, starts it and
// returns once it accepts connections. The server is stopped (its process
// group killed) and its directory removed when t's cleanup runs. Without
// PostgreSQL binaries the test is skipped loudly, naming `make postgres`,
// except under CI=true, where it fails.
func Start(t testing.TB) *Server {
	t.Helper()
	binDir := requireBinDir(t)
	owner, err := serverUser()
	if err != nil {
		t.Fatalf("start postgres: %v", err)
	}
	// Not t.TempDir: its parents are private to the test's user, and the
	// unix socket path must stay short (about 100 bytes at most).
	dir, err := os.MkdirTemp("", "s3am-pg-")
	if err != nil {
		t.Fatalf("start postgres: %v", err)
	}
	s := &Server{
		Dir:      dir,
		binDir:   binDir,
		dataDir:  filepath.Join(dir, "data"),
		sockDir:  filepath.Join(dir, "sock"),
		password: launch.RandomHex(20),
		owner:    owner,
	}
	s.out = tailbuf.New(outputLimit, s.password)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("postgres output (password redacted):\n%s", s.out)
		}
		s.Stop()
		if err := os.RemoveAll(dir); err != nil {
			t.Errorf("remove postgres directory: %v", err)
		}
	})
	if err := s.prepareDirs(); err != nil {
		t.Fatalf("start postgres: %v", err)
	}
	if err := s.initCluster(); err != nil {
		t.Fatalf("start postgres: %v", err)
	}
	err = launch.RetryPortTaken(func() error {
		ports, err := launch.FreePorts(1)
		if err != nil {
			return err
		}
		s.Port = ports[0]
		return s.start()
	})
	if err != nil {
		t.Fatalf("start postgres: %v", err)
	}
	return s
}

// prepareDirs creates the data and socket directories with the modes
// PostgreSQL demands, owned by the account it runs as.
func (s *Server) prepareDirs() error {
	for _, d := range []string{s.Dir, s.dataDir, s.sockDir} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return fmt.Errorf("create %s: %w", d, err)
		}
		if err := s.owner.chown(d); err != nil {
			return err
		}
	}
	return nil
}

// start runs the postmaster on s.Port and waits until it accepts
// connections.
func (s *Server) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc != nil && s.proc.Running() {
		return errors.New("already running")
	}
	cmd := exec.Command(filepath.Join(s.binDir, "postgres"),
		"-D", s.dataDir,
		"-p", strconv.Itoa(s.Port),
		"-c", "listen_addresses=127.0.0.1",
		"-c", "unix_socket_directories="+s.sockDir,
		"-c", "unix_socket_permissions=0700",
		// Small enough to sit beside compilers on a small machine, large
		// enough for a few connection pools.
		"-c", "max_connections=100",
		"-c", "shared_buffers=32MB",
		"-c", "logging_collector=off",
		"-c", "log_min_messages=warning",
	)
	cmd.Dir = s.Dir
	cmd.Env = serverEnv()
	cmd.SysProcAttr = s.owner.attr()
	cmd.Stdout, cmd.Stderr = s.out, s.out
	// Wait must not hang on a backend that inherited the output pipe.
	cmd.WaitDelay = stopGrace
	// Marks where this start's output begins, for the port check below.
	marker := fmt.Sprintf("--- harness: starting postgres on port %d ---\n", s.Port)
	fmt.Fprint(s.out, marker)
	p, err := proc.Start(cmd)
	if err != nil {
		return err
	}
	s.proc = p
	if err := s.waitReady(p); err != nil {
		stop(p)
		out := s.out.String()
		if _, mine, ok := strings.Cut(out, marker); ok && strings.Contains(mine, "Address already in use") {
			return fmt.Errorf("%w: %v", launch.ErrPortTaken, err)
		}
		return fmt.Errorf("%w; server output:\n%s", err, out)
	}
	return nil
}

// waitReady connects until the server answers a query, or the postmaster
// exits, or readyTimeout passes.
func (s *Server) waitReady(p *proc.Process) error {
	ctx, cancel := context.WithTimeout(context.Background(), readyTimeout)
	defer cancel()
	for {
		err := s.ping(ctx)
		if err == nil {
			return nil
		}
		select {
		case <-p.Exited():
			return fmt.Errorf("postgres exited: %v (last connection error: %v)", p.Err(), err)
		case <-ctx.Done():
			return fmt.Errorf("postgres not ready after %v: %w", readyTimeout, err)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func (s *Server) ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, s.DSN())
	if err != nil {
		return err
	}
	defer c.Close(context.Background())
	return c.Ping(ctx)
}

// DSN is a URL connecting to the database "postgres" as the superuser, with
// its password, over TCP without TLS.
func (s *Server) DSN() string { return s.DatabaseDSN(superuser) }

// DatabaseDSN is DSN for the database name.
func (s *Server) DatabaseDSN(name string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.UserPassword(superuser, s.password),
		Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(s.Port)),
		Path:     "/" + name,
		RawQuery: "sslmode=disable",
	}
	return u.String()
}

// Password is the superuser's password, for tests that check it never
// appears where it should not.
func (s *Server) Password() string { return s.password }

// CreateDatabase creates a new, empty database and returns its DSN. with is
// appended to the CREATE DATABASE statement (for example "TEMPLATE template0
// LOCALE_PROVIDER icu ICU_LOCALE 'en-US'").
func (s *Server) CreateDatabase(t testing.TB, with ...string) string {
	t.Helper()
	name := fmt.Sprintf("test_%d", s.dbs.Add(1))
	s.Exec(t, s.DSN(), "CREATE DATABASE "+name+" "+strings.Join(with, " "))
	return s.DatabaseDSN(name)
}

// Exec runs statements on the database of dsn in one session, failing t on
// error.
func (s *Server) Exec(t testing.TB, dsn string, statements ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connect to postgres: %v", err)
	}
	defer c.Close(context.Background())
	for _, q := range statements {
		if _, err := c.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// Stop shuts the server down fast (open transactions roll back, clients are
// disconnected) and waits until no process of it is left. The data stays for
// StartAgain. Stopping a stopped server does nothing.
func (s *Server) Stop() {
	s.mu.Lock()
	p := s.proc
	s.mu.Unlock()
	if p != nil {
		stop(p)
	}
}

// StartAgain starts the stopped server on the same port and data, failing t
// if it does not come up.
func (s *Server) StartAgain(t testing.TB) {
	t.Helper()
	if err := s.start(); err != nil {
		t.Fatalf("start postgres again on port %d: %v", s.Port, err)
	}
}

// Restart is Stop then StartAgain.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	s.Stop()
	s.StartAgain(t)
}

// Output is the server's log so far (password redacted).
func (s *Server) Output() string { return s.out.String() }
