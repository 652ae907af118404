package postgres

import (
	"context"
	"math/rand/v2"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/s3am/s3-access-manager/internal/audit"
	"github.com/s3am/s3-access-manager/internal/audit/audittest"
	"github.com/s3am/s3-access-manager/internal/testenv/postgresserver"
)

func TestSchema(t *testing.T) {
	srv, ctx := postgresserver.Start(t), context.Background()

	t.Run("servers starting together", func(t *testing.T) {
		// Without the migration lock, concurrent CREATE TABLE IF NOT
		// EXISTS fails on PostgreSQL's catalog unique indexes.
		dsn := newDatabase(t, srv)
		var wg sync.WaitGroup
		stores := make([]*Store, 8)
		errs := make([]error, len(stores))
		for i := range stores {
			wg.Add(1)
			go func() {
				defer wg.Done()
				stores[i], errs[i] = Open(ctx, dsn, Options{})
			}()
		}
		wg.Wait()
		for i, s := range stores {
			if errs[i] != nil {
				t.Errorf("open %d: %v", i, errs[i])
				continue
			}
			audittest.AppendN(t, s, rand.New(rand.NewPCG(uint64(i), 1)), "w", 1)
			s.Close()
		}
		var triggers int
		if err := rawConn(t, dsn).QueryRow(ctx, `SELECT count(*) FROM pg_trigger WHERE tgrelid = 'audit_events'::regclass AND NOT tgisinternal`).Scan(&triggers); err != nil || triggers != 2 {
			t.Errorf("%d triggers, %v", triggers, err)
		}
	})

	t.Run("read-only", func(t *testing.T) {
		dsn := newDatabase(t, srv)
		if _, err := Open(ctx, dsn, Options{ReadOnly: true}); err == nil || !strings.Contains(err.Error(), "no audit schema") {
			t.Errorf("read-only open of an empty database: %v", err)
		}
		audittest.AppendN(t, openStore(t, dsn, Options{}), rand.New(rand.NewPCG(1, 1)), "w", 5)
		ro := openStore(t, dsn, Options{ReadOnly: true})
		if err := ro.Append(ctx, []audit.Event{audittest.RandomEvent(rand.New(rand.NewPCG(1, 1)), "w")}); err == nil {
			t.Error("read-only store appended")
		}
		if _, err := ro.db.ExecContext(ctx, `CREATE TABLE intruder (a int)`); err == nil {
			t.Error("read-only session wrote")
		}
		if res, err := ro.Verify(ctx, "w"); err != nil || !res.OK() || res.Count != 5 {
			t.Errorf("verify read-only: %+v %v", res, err)
		}
	})

	t.Run("newer schema", func(t *testing.T) {
		dsn := newDatabase(t, srv)
		openStore(t, dsn, Options{}).Close()
		srv.Exec(t, dsn, `UPDATE audit_schema_version SET version = 99`)
		for _, ro := range []bool{false, true} {
			if _, err := Open(ctx, dsn, Options{ReadOnly: ro}); err == nil || !strings.Contains(err.Error(), "99") {
				t.Errorf("read-only %v: %v", ro, err)
			}
		}
	})

	t.Run("least-privilege role", func(t *testing.T) {
		// The schema's owner creates it once; servers connect as a role
		// that may only read and add events.
		dsn := newDatabase(t, srv)
		openStore(t, dsn, Options{}).Close()
		srv.Exec(t, dsn,
			`CREATE ROLE s3am_server LOGIN PASSWORD 'server-pw'`,
			`GRANT SELECT ON audit_schema_version TO s3am_server`,
			`GRANT SELECT, INSERT ON audit_events TO s3am_server`)
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatal(err)
		}
		u.User = url.UserPassword("s3am_server", "server-pw")
		s := openStore(t, u.String(), Options{})
		audittest.AppendN(t, s, rand.New(rand.NewPCG(1, 2)), "w", 10)
		if res, err := s.Verify(ctx, "w"); err != nil || !res.OK() || res.Count != 10 {
			t.Errorf("%+v, %v", res, err)
		}
		for _, q := range []string{`DELETE FROM audit_events`, `ALTER TABLE audit_events DISABLE TRIGGER USER`, `CREATE TABLE intruder (a int)`} {
			if _, err := s.db.ExecContext(ctx, q); err == nil {
				t.Errorf("%s: allowed", q)
			}
		}
	})

	t.Run("query plans", func(t *testing.T) {
		// The common queries read an index in order instead of sorting the
		// table, in a language-collated database too (the indexes are on the
		// byte-wise columns the queries order by).
		dsn := newDatabase(t, srv)
		s := openStore(t, dsn, Options{})
		r := rand.New(rand.NewPCG(1, 1))
		for range 10 {
			audittest.AppendN(t, s, r, "w", 500)
		}
		srv.Exec(t, dsn, `ANALYZE audit_events`)
		audittest.CheckPlans(t, s, "Index Scan", "Sort")
	})

	t.Run("application name", func(t *testing.T) {
		dsn := newDatabase(t, srv)
		s := openStore(t, dsn, Options{})
		var name string
		if err := s.db.QueryRowContext(ctx, `SELECT current_setting('application_name')`).Scan(&name); err != nil || name != applicationName {
			t.Errorf("application_name %q, %v", name, err)
		}
	})
}
