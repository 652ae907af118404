package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"sync"

	"github.com/s3am/s3-access-manager/internal/audit"
)

// Store is an audit.Store on a database/sql database. It is safe for
// concurrent use.
type Store struct {
	db       *sql.DB
	d        *Dialect
	readOnly bool
	// appendMu serializes this process's appends, so they queue here rather
	// than in the database's lock (SQLite's busy handler polls).
	appendMu sync.Mutex
	// inserts caches the prepared INSERT of 2^i rows at i; appendMu
	// guards it.
	inserts []*sql.Stmt
	// insertTexts caches the INSERT of 2^i rows at i for Dialect.Pipeline;
	// appendMu guards it.
	insertTexts []string
	// heads are the chain heads this Store committed last, so that an
	// append need not read them back (see Append); appendMu guards them.
	heads map[string]head
	// read is columnList(d, true).
	read string
}

var _ audit.Store = (*Store)(nil)

// ErrReadOnly is returned by Append on a read-only Store.
var ErrReadOnly = errors.New("audit store opened read-only")

// New makes a Store of db, whose schema it creates (d.Migrate) or, when
// readOnly, checks (d.CheckSchema). On error the caller closes db.
func New(ctx context.Context, db *sql.DB, d *Dialect, readOnly bool) (*Store, error) {
	check := d.Migrate
	if readOnly {
		check = d.CheckSchema
	}
	if err := check(ctx, db); err != nil {
		return nil, err
	}
	return &Store{db: db, d: d, readOnly: readOnly, read: columnList(d, true), heads: map[string]head{}}, nil
}

// Close closes the database.
func (s *Store) Close() error {
	s.appendMu.Lock()
	for _, st := range s.inserts {
		if st != nil {
			st.Close()
		}
	}
	s.inserts = nil
	s.appendMu.Unlock()
	if err := s.db.Close(); err != nil {
		return s.d.wrap("audit store: close", err)
	}
	return nil
}

// Writers lists the writer chains present, sorted byte-wise.
func (s *Store) Writers(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT writer FROM audit_events ORDER BY writer`)
	if err != nil {
		return nil, s.d.wrap("audit store: writers", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var w string
		if err := rows.Scan(&w); err != nil {
			return nil, s.d.wrap("audit store: writers", err)
		}
		out = append(out, w)
	}
	if err := rows.Err(); err != nil {
		return nil, s.d.wrap("audit store: writers", err)
	}
	return out, nil
}

// Plan is how the database runs the query of f (one line per row of its
// EXPLAIN), for people tuning indexes and for the tests that keep every
// common query on an index.
func (s *Store) Plan(ctx context.Context, f audit.Filter) ([]string, error) {
	q, args, err := s.selectFor(&f, f.PageSize()+1)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, s.d.Explain+" "+q, args...)
	if err != nil {
		return nil, s.d.wrap("audit store: plan", err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, s.d.wrap("audit store: plan", err)
	}
	vals := make([]sql.RawBytes, len(cols))
	dest := make([]any, len(cols))
	for i := range vals {
		dest[i] = &vals[i]
	}
	var plan []string
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, s.d.wrap("audit store: plan", err)
		}
		// The last column describes the step (SQLite's EXPLAIN QUERY PLAN
		// has ids before it).
		plan = append(plan, string(vals[len(vals)-1]))
	}
	if err := rows.Err(); err != nil {
		return nil, s.d.wrap("audit store: plan", err)
	}
	return plan, nil
}

func rollback(tx *sql.Tx) {
	// After Commit, Rollback only reports sql.ErrTxDone; after a failure,
	// the error that made us roll back is the one worth returning.
	_ = tx.Rollback()
}
