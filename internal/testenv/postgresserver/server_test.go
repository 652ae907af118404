//go:build unix

package postgresserver_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/s3am/s3-access-manager/internal/testenv/postgresserver"
)

func connect(t *testing.T, dsn string) (*pgx.Conn, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, dsn)
	if err == nil {
		t.Cleanup(func() { c.Close(context.Background()) })
	}
	return c, err
}

// TestServerLifecycle: the server takes password-authenticated connections
// on loopback, keeps its data across Stop and StartAgain on the same port,
// and leaves no process and no directory behind.
func TestServerLifecycle(t *testing.T) {
	var (
		dir  string
		pids []int
	)
	t.Run("run", func(t *testing.T) {
		srv := postgresserver.Start(t)
		dir = srv.Dir
		c, err := connect(t, srv.DSN())
		if err != nil {
			t.Fatal(err)
		}
		var user string
		if err := c.QueryRow(context.Background(), `SELECT current_user`).Scan(&user); err != nil || user != "postgres" {
			t.Fatalf("current_user %q, %v", user, err)
		}
		wrong := strings.Replace(srv.DSN(), srv.Password(), "wrong", 1)
		if _, err := connect(t, wrong); err == nil {
			t.Error("connected with a wrong password")
		}

		db := srv.CreateDatabase(t)
		srv.Exec(t, db, `CREATE TABLE kept (v text)`, `INSERT INTO kept VALUES ('before')`)
		pids = backendPIDs(t, c)

		srv.Stop()
		if _, err := connect(t, db); err == nil {
			t.Fatal("connected to a stopped server")
		}
		for _, pid := range pids {
			if alive(pid) {
				t.Errorf("backend %d survived Stop", pid)
			}
		}
		srv.StartAgain(t)
		c2, err := connect(t, db)
		if err != nil {
			t.Fatal(err)
		}
		var v string
		if err := c2.QueryRow(context.Background(), `SELECT v FROM kept`).Scan(&v); err != nil || v != "before" {
			t.Fatalf("after restart: %q, %v", v, err)
		}
		srv.Restart(t)
		pids = backendPIDs(t, mustConnect(t, srv.DSN()))
	})
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("server directory %s left behind: %v", dir, err)
	}
	for _, pid := range pids {
		if alive(pid) {
			t.Errorf("process %d left behind", pid)
		}
	}
}

func mustConnect(t *testing.T, dsn string) *pgx.Conn {
	t.Helper()
	c, err := connect(t, dsn)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// backendPIDs lists the server's processes: the postmaster and every
// backend and auxiliary process it reports.
func backendPIDs(t *testing.T, c *pgx.Conn) []int {
	t.Helper()
	rows, err := c.Query(context.Background(), `SELECT pid FROM pg_stat_activity UNION SELECT pg_backend_pid()`)
	if err != nil {
		t.Fatal(err)
	}
	pids, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil {
		t.Fatal(err)
	}
	out := make([]int, len(pids))
	for i, p := range pids {
		out[i] = int(p)
	}
	if len(out) < 2 {
		t.Fatalf("only %d server processes seen", len(out))
	}
	return out
}

func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
