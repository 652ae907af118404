package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"time"

	// The pure-Go SQLite driver, registered as "sqlite".
	_ "modernc.org/sqlite"

	"github.com/s3am/s3-access-manager/internal/audit"
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

// Store is the SQLite audit.Store. It is safe for concurrent use.
type Store struct {
	db       *sql.DB
	readOnly bool
	// appendMu serializes this process's appends, so they queue here rather
	// than in SQLite's busy handler, which polls.
	appendMu sync.Mutex
}

var _ audit.Store = (*Store)(nil)

// errReadOnly is returned by Append on a read-only Store.
var errReadOnly = errors.New("audit store opened read-only")

// maxConns bounds the pool: one appender plus concurrent readers. Each
// connection has its own page cache.
const maxConns = 4

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
	if o.ReadOnly {
		err = checkSchema(ctx, db)
	} else {
		err = migrate(ctx, db)
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("audit store %s: %w", abs, err)
	}
	return &Store{db: db, readOnly: o.ReadOnly}, nil
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
		q.Set("_txlock", "immediate")
	}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs), RawQuery: q.Encode()}
	return u.String()
}

// Close closes the database.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("audit store: close: %w", err)
	}
	return nil
}

// Writers lists the writer chains present, sorted.
func (s *Store) Writers(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT writer FROM audit_events ORDER BY writer`)
	if err != nil {
		return nil, fmt.Errorf("audit store: writers: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var w string
		if err := rows.Scan(&w); err != nil {
			return nil, fmt.Errorf("audit store: writers: %w", err)
		}
		out = append(out, w)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("audit store: writers: %w", err)
	}
	return out, nil
}

func rollback(tx *sql.Tx) {
	// After Commit, Rollback only reports sql.ErrTxDone; after a failure,
	// the error that made us roll back is the one worth returning.
	_ = tx.Rollback()
}
