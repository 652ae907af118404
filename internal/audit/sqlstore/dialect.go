package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
)

// Dialect is what differs between the databases behind a Store.
type Dialect struct {
	// Param is the marker of the n-th parameter of a statement (from 1).
	// Only numbered markers let a parameter be used twice, which StartsWith
	// needs; SQLite's are plain "?", because it binds numbered ones looking
	// each name up in a list (quadratic in a multi-row INSERT).
	Param func(n int) string
	// TimeColumn holds Event.Time; TimeRead is the expression reading it as
	// integer microseconds since the Unix epoch; TimeArg is the value,
	// stored in or compared with TimeColumn, of a microsecond count.
	TimeColumn, TimeRead string
	TimeArg              func(us int64) any
	// GroupsColumn holds Event.Groups; GroupsRead is the expression reading
	// them as a JSON array of strings; GroupsArg is the value stored.
	GroupsColumn, GroupsRead string
	GroupsArg                func(groups []string) (any, error)
	// StartsWith, when set, is the condition (a format with one %s, the
	// prefix's parameter) that keeps key-prefix matches exact. It is needed
	// where text must be valid UTF-8 (PostgreSQL): the byte range's end is
	// then used only when it is valid UTF-8 itself.
	StartsWith string
	// LockChains serializes appends to the chains of writers (sorted, so
	// transactions cannot deadlock) across processes, until tx ends; nil
	// when beginning the transaction already does (SQLite's BEGIN
	// IMMEDIATE takes the database's write lock).
	LockChains func(ctx context.Context, tx *sql.Tx, writers []string) error
	// Pipeline, when set, runs one append in a single round trip: it
	// begins a transaction, takes the chain locks of writers (as
	// LockChains), runs inserts in order and commits, all sent at once. On
	// an error nothing is committed, unless the COMMIT itself failed (then
	// the outcome is unknown, as with any failed commit), and the
	// connection is left outside any transaction or closed. It is used when
	// the chain heads are known, which is when nothing needs reading
	// between the lock and the inserts.
	Pipeline func(ctx context.Context, db *sql.DB, writers []string, inserts []Statement) error
	// Rejected reports whether err is the database refusing the rows
	// themselves (a constraint, a size limit) rather than failing.
	Rejected func(err error) bool
	// Duplicate reports whether err is the primary key (writer, seq)
	// refusing a row: another handle appended to the chain since this one
	// last did.
	Duplicate func(err error) bool
	// Migrate creates the schema where it is missing and refuses a newer
	// one; CheckSchema only checks it, for read-only stores.
	Migrate, CheckSchema func(ctx context.Context, db *sql.DB) error
	// Wrap prefixes err with msg; nil: fmt.Errorf("%s: %w").
	Wrap func(msg string, err error) error
	// Explain is the statement prefix showing a query's plan.
	Explain string
}

func (d *Dialect) wrap(msg string, err error) error {
	if d.Wrap != nil {
		return d.Wrap(msg, err)
	}
	return fmt.Errorf("%s: %w", msg, err)
}

// Statement is one SQL statement with its arguments.
type Statement struct {
	SQL  string
	Args []any
}
