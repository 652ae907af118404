package postgres

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"database/sql/driver"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/s3am/s3-access-manager/internal/audit"
	"github.com/s3am/s3-access-manager/internal/audit/sqlstore"
)

// Options configure Open.
type Options struct {
	// ReadOnly opens an existing store for Query, Verify and Writers only
	// (the CLI): the schema is checked, not created, every session runs
	// read-only transactions, and Append fails.
	ReadOnly bool
}

// Store is the PostgreSQL audit.Store (see sqlstore.Store). It is safe for
// concurrent use, and any number of Stores, in any number of processes, may
// share a database.
type Store struct {
	*sqlstore.Store
	db *sql.DB
}

var _ audit.Store = (*Store)(nil)

// applicationName tells a DBA looking at pg_stat_activity whose sessions
// these are, unless the DSN names them otherwise.
const applicationName = "s3am-audit"

// Open connects to the database of dsn (a libpq URL or key=value string;
// pgxpool's pool_max_conns, pool_max_conn_lifetime and
// pool_max_conn_idle_time apply) and, unless o.ReadOnly, creates the
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
	db := stdlib.OpenDB(*cfg.ConnConfig)
	// The pool settings of the DSN that database/sql has (pool_min_conns
	// and the health check period it has not: it checks a connection idle
	// for over a second before using it).
	db.SetMaxOpenConns(int(cfg.MaxConns))
	db.SetMaxIdleConns(int(cfg.MaxConns))
	db.SetConnMaxLifetime(cfg.MaxConnLifetime)
	db.SetConnMaxIdleTime(cfg.MaxConnIdleTime)
	d := newDialect(sec)
	s, err := sqlstore.New(ctx, db, d, o.ReadOnly)
	if err != nil {
		db.Close()
		return nil, sec.wrap("audit store: open", err)
	}
	return &Store{Store: s, db: db}, nil
}

// newDialect is PostgreSQL's: $n parameters, timestamptz times, text[]
// groups, byte-wise key ranges completed by starts_with, a transaction-scoped
// advisory lock per chain, and errors scrubbed of the DSN's secrets.
func newDialect(sec secrets) *sqlstore.Dialect {
	return &sqlstore.Dialect{
		Param:      func(n int) string { return "$" + strconv.Itoa(n) },
		TimeColumn: "event_time",
		// Exact: EXTRACT gives numeric, and timestamptz holds microseconds.
		TimeRead:     "(EXTRACT(EPOCH FROM event_time) * 1000000)::bigint",
		TimeArg:      func(us int64) any { return time.UnixMicro(us).UTC() },
		GroupsColumn: "groups",
		GroupsRead:   "array_to_json(groups)::text",
		GroupsArg:    func(groups []string) (any, error) { return groups, nil },
		StartsWith:   "starts_with(object_key, %s)",
		LockChains:   lockChains,
		Pipeline:     pipeline,
		Rejected:     rejected,
		Duplicate:    duplicate,
		Migrate:      migrate,
		CheckSchema:  checkSchema,
		Wrap:         sec.wrap,
		Explain:      "EXPLAIN",
	}
}

// lockKey is the 64-bit advisory lock key of a name in a namespace: the
// first 8 bytes of a SHA-256, so every process derives the same key, and
// other applications' small integer keys do not collide with it. A
// collision between two writers would only serialize them needlessly.
func lockKey(namespace, name string) int64 {
	sum := sha256.Sum256([]byte(namespace + "\x00" + name))
	return int64(binary.BigEndian.Uint64(sum[:8]))
}

// chainLockKey is the advisory lock serializing appends to writer's chain.
func chainLockKey(writer string) int64 { return lockKey("s3am-audit-chain", writer) }

// lockChains takes the transaction-scoped advisory lock of each writer's
// chain. In READ COMMITTED each statement sees what was committed when it
// started, and the head reads that follow start after the locks are held:
// they see the last append of the previous lock holder, which committed
// before it let go. PostgreSQL releases the locks with the transaction,
// whatever ends it.
func lockChains(ctx context.Context, tx *sql.Tx, writers []string) error {
	for _, w := range writers {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, chainLockKey(w)); err != nil {
			return err
		}
	}
	return nil
}

// rejected reports whether PostgreSQL refused the rows themselves rather
// than failed: a data exception (class 22), a constraint (23), a size limit
// such as the btree entry limit (54) or an exception raised by a trigger
// (P0001).
func rejected(err error) bool {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return false
	}
	switch pgErr.Code[:min(2, len(pgErr.Code))] {
	case "22", "23", "54":
		return true
	}
	return pgErr.Code == "P0001"
}

// duplicate reports whether a unique index refused a row: audit_events has
// one, its primary key (writer, seq).
func duplicate(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505"
}

// pipeline is the Dialect's Pipeline: BEGIN, the chain locks, the inserts
// and COMMIT go to the server as one pgx batch, so an append costs one round
// trip instead of one per statement. When a statement fails the server
// skips the rest, COMMIT included, and the transaction is rolled back here;
// if that fails too the connection is closed, so that the pool drops it
// rather than hand out a connection inside a failed transaction.
func pipeline(ctx context.Context, db *sql.DB, writers []string, inserts []sqlstore.Statement) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(driverConn any) error {
		sc, ok := driverConn.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("unexpected driver connection %T", driverConn)
		}
		c := sc.Conn()
		b := &pgx.Batch{}
		b.Queue("BEGIN")
		for _, w := range writers {
			b.Queue(`SELECT pg_advisory_xact_lock($1)`, chainLockKey(w))
		}
		for _, st := range inserts {
			b.Queue(st.SQL, st.Args...)
		}
		b.Queue("COMMIT")
		err := c.SendBatch(ctx, b).Close()
		if err == nil {
			return nil
		}
		if pgconn.SafeToRetry(err) {
			// Nothing reached the server (a pooled connection that died):
			// Append tries once more on another connection.
			return fmt.Errorf("%w: %w", driver.ErrBadConn, err)
		}
		if !c.IsClosed() && c.PgConn().TxStatus() != 'I' {
			if _, rerr := c.Exec(ctx, "ROLLBACK"); rerr != nil {
				_ = c.Close(ctx)
			}
		}
		return err
	})
}
