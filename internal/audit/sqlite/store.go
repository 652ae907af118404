package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/s3am/s3-access-manager/internal/audit"
	"github.com/s3am/s3-access-manager/internal/audit/sqlstore"
)

// Options configure Open.
type Options struct {
	// ReadOnly opens an existing database for Query, Verify and Writers
	// only (the CLI); Append fails.
	ReadOnly bool
	// BusyTimeout is how long a statement waits for a lock held by another
	// connection or process; default 5s.
	BusyTimeout time.Duration
}

// Store is the SQLite audit.Store (see sqlstore.Store). It is safe for
// concurrent use.
type Store struct {
	*sqlstore.Store
	db *sql.DB
}

var _ audit.Store = (*Store)(nil)

// maxConns bounds the pool: one appender plus concurrent readers. Each
// connection has its own page cache.
const maxConns = 4

// dialect is SQLite's: ? parameters, times as integer
// microseconds, groups as JSON text, and no chain locks, because BEGIN
// IMMEDIATE (the DSN's _txlock) takes the database's write lock, in this
// process or another one.
var dialect = sqlstore.Dialect{
	Param:        func(int) string { return "?" },
	TimeColumn:   "time_us",
	TimeRead:     "time_us",
	TimeArg:      func(us int64) any { return us },
	GroupsColumn: "groups_json",
	GroupsRead:   "groups_json",
	GroupsArg:    sqlstore.JSONGroups,
	Rejected:     rejected,
	Duplicate:    duplicate,
	Migrate:      migrate,
	CheckSchema:  checkSchema,
	Explain:      "EXPLAIN QUERY PLAN",
}

// Open opens the audit database at path, creating it (and its schema) unless
// o.ReadOnly.
func Open(ctx context.Context, path string, o Options) (*Store, error) {
	if path == "" {
		return nil, errors.New("audit store: empty SQLite path")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("audit store: %w", err)
	}
	if o.ReadOnly {
		// SQLite would report "unable to open database file"; say which.
		if _, err := os.Stat(abs); err != nil {
			return nil, fmt.Errorf("audit store: %w", err)
		}
	}
	db, err := sql.Open("sqlite", dsn(abs, o))
	if err != nil {
		return nil, fmt.Errorf("audit store %s: %w", abs, err)
	}
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(maxConns)
	s, err := sqlstore.New(ctx, db, &dialect, o.ReadOnly)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("audit store %s: %w", abs, err)
	}
	return &Store{Store: s, db: db}, nil
}

// dsn builds a file: URI, so that SQLite's own mode=ro applies and any
// character of the path survives.
func dsn(abs string, o Options) string {
	busy := o.BusyTimeout
	if busy <= 0 {
		busy = 5 * time.Second
	}
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busy.Milliseconds()))
	if o.ReadOnly {
		q.Set("mode", "ro")
	} else {
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "synchronous(FULL)")
		// A multi-row INSERT inside BEGIN IMMEDIATE keeps a statement
		// journal (to undo just that statement if a row is refused); on
		// disk it cost a temporary file's writes per append. It undoes a
		// statement within its transaction only and has no part in crash
		// recovery, which the WAL and synchronous FULL keep as they are.
		q.Add("_pragma", "temp_store(MEMORY)")
		q.Set("_txlock", "immediate")
	}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs), RawQuery: q.Encode()}
	return u.String()
}

// rejected reports whether SQLite refused a row itself (a constraint, a
// value too big) rather than failed.
func rejected(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_TOOBIG, sqlite3.SQLITE_CONSTRAINT, sqlite3.SQLITE_MISMATCH:
		return true
	}
	return false
}

// duplicate reports whether the primary key refused a row.
func duplicate(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}
