package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/s3am/s3-access-manager/internal/audit"
)

// Options configure Open.
type Options struct {
	// ReadOnly opens an existing store for Query, Verify and Writers only
	// (the CLI): the schema is checked, not created, every session runs
	// read-only transactions, and Append fails.
	ReadOnly bool
}

// Store is the PostgreSQL audit.Store. It is safe for concurrent use, and
// any number of Stores, in any number of processes, may share a database.
type Store struct {
	pool     *pgxpool.Pool
	secrets  secrets
	readOnly bool
}

var _ audit.Store = (*Store)(nil)

// errReadOnly is returned by Append on a read-only Store.
var errReadOnly = errors.New("audit store opened read-only")

// rollbackTimeout bounds the rollback of a failed transaction.
const rollbackTimeout = 5 * time.Second

// applicationName tells a DBA looking at pg_stat_activity whose sessions
// these are, unless the DSN names them otherwise.
const applicationName = "s3am-audit"

// Open connects to the database of dsn (a libpq URL or key=value string;
// pgxpool's pool_* settings apply) and, unless o.ReadOnly, creates the
// schema if it is missing. The DSN is secret material: no error of this
// package contains its password.
func Open(ctx context.Context, dsn string, o Options) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// pgx masks the passwords it recognizes in a DSN it cannot parse,
		// on a best-effort basis; a malformed DSN is exactly where that
		// can fail, so nothing of it is repeated here.
		return nil, errors.New("audit store: cannot parse the PostgreSQL DSN (not shown: it may contain a password); use postgres://user:password@host:port/database or key=value pairs")
	}
	sec := secretsOf(dsn, &cfg.ConnConfig.Config)
	rp := cfg.ConnConfig.RuntimeParams
	if rp["application_name"] == "" {
		rp["application_name"] = applicationName
	}
	if o.ReadOnly {
		rp["default_transaction_read_only"] = "on"
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, sec.wrap("audit store: open", err)
	}
	if o.ReadOnly {
		err = checkSchema(ctx, pool)
	} else {
		err = migrate(ctx, pool)
	}
	if err != nil {
		pool.Close()
		return nil, sec.wrap("audit store: open", err)
	}
	return &Store{pool: pool, secrets: sec, readOnly: o.ReadOnly}, nil
}

// Close closes every connection of the store, waiting for those in use.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// Writers lists the writer chains present, sorted byte-wise.
func (s *Store) Writers(ctx context.Context) ([]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT DISTINCT writer FROM audit_events ORDER BY writer`)
	if err != nil {
		return nil, s.secrets.wrap("audit store: writers", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, s.secrets.wrap("audit store: writers", err)
	}
	return out, nil
}

// errorf wraps err with a message, its text free of the DSN's secrets.
func (s *Store) errorf(format string, err error, args ...any) error {
	return s.secrets.wrap(fmt.Sprintf(format, args...), err)
}
