package postgres

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/s3am/s3-access-manager/internal/testenv/postgresserver"
)

// icuDatabase makes test databases collate like a typical production one
// (ICU en-US: case- and accent-aware) instead of the harness's byte-wise C
// locale, so that any ordering that depends on the database's collation
// shows up as a difference from the SQLite store.
const icuDatabase = "TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C'"

// newDatabase creates an empty database, language-collated where the server
// can (PostgreSQL 15 and later, built with ICU, as Debian's is).
func newDatabase(t testing.TB, srv *postgresserver.Server) string {
	t.Helper()
	var version int
	var icu bool
	err := rawConn(t, srv.DSN()).QueryRow(context.Background(),
		`SELECT current_setting('server_version_num')::int, EXISTS (SELECT 1 FROM pg_collation WHERE collprovider = 'i')`).Scan(&version, &icu)
	if err != nil {
		t.Fatal(err)
	}
	if version < 150000 || !icu {
		t.Logf("PostgreSQL %d without ICU database locales: testing with the C collation only", version)
		return srv.CreateDatabase(t)
	}
	return srv.CreateDatabase(t, icuDatabase)
}

// openStore opens a store on dsn, closed when t ends.
func openStore(t testing.TB, dsn string, o Options) *Store {
	t.Helper()
	s, err := Open(context.Background(), dsn, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// rawConn connects behind the store's back, as the superuser (an intruder
// with the keys, or a DBA).
func rawConn(t testing.TB, dsn string) *pgx.Conn {
	t.Helper()
	c, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}
