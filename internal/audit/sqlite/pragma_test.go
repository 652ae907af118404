package sqlite

import (
	"context"
	"database/sql"
	"testing"
)

// TestPragmas: every pooled connection runs WAL, synchronous=FULL (2) and a
// busy timeout; a read-only store cannot write even through raw SQL.
func TestPragmas(t *testing.T) {
	s, path := openStore(t)
	ctx := context.Background()
	conns := make([]*sql.Conn, maxConns)
	for i := range conns {
		c, err := s.db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns[i] = c
	}
	for i, c := range conns {
		var mode string
		var sync, busy int
		if err := c.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil {
			t.Fatal(err)
		}
		if err := c.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&sync); err != nil {
			t.Fatal(err)
		}
		if err := c.QueryRowContext(ctx, `PRAGMA busy_timeout`).Scan(&busy); err != nil {
			t.Fatal(err)
		}
		if mode != "wal" || sync != 2 || busy != 5000 {
			t.Errorf("connection %d: journal_mode %s synchronous %d busy_timeout %d", i, mode, sync, busy)
		}
	}
	ro, err := Open(ctx, path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if _, err := ro.db.ExecContext(ctx, `CREATE TABLE intruder (a)`); err == nil {
		t.Error("read-only store wrote")
	}
}
