package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"maps"
	"math/bits"
	"slices"

	"github.com/s3am/s3-access-manager/internal/audit"
)

// maxInsertRows is the most rows one INSERT carries (its parameters stay
// far below SQLite's and PostgreSQL's limits).
const maxInsertRows = 128

// head is the newest stored event of a chain.
type head struct {
	seq  int64
	hash string
}

// Append stores events in one transaction, sealing each after the head of
// its writer chain (see audit.Store): the transaction takes the chain locks
// (Dialect.LockChains) before it uses the heads, so appends to one chain
// are serialized across every connection and process; the primary key
// (writer, seq) backs this up: an append that bypassed the lock fails
// rather than forks the chain, and an append after a head another handle
// moved is tried again with the head read back. Rows are inserted by
// multi-row INSERTs.
func (s *Store) Append(ctx context.Context, events []audit.Event) error {
	if s.readOnly {
		return ErrReadOnly
	}
	if len(events) == 0 {
		return nil
	}
	for i := range events {
		if err := events[i].Validate(); err != nil {
			return fmt.Errorf("audit store: event %d: %w", i, err)
		}
	}
	s.appendMu.Lock()
	defer s.appendMu.Unlock()
	err := s.appendTx(ctx, events)
	if errors.Is(err, errStaleHead) {
		// Another handle (another process) appended to a chain since this
		// one did; nothing was stored. Read the heads this time.
		clear(s.heads)
		err = s.appendTx(ctx, events)
	}
	if errors.Is(err, driver.ErrBadConn) && ctx.Err() == nil {
		// Nothing reached the server (typically a pooled connection that
		// died with a server restart): one more try on a fresh connection
		// cannot store anything twice.
		err = s.appendTx(ctx, events)
	}
	if err != nil {
		// The commit may have happened or not: read the heads next time.
		clear(s.heads)
		return s.d.wrap("audit store: append", err)
	}
	return nil
}

// errStaleHead says that a chain head this Store remembered is no longer
// the chain's: the primary key refused the next Seq.
var errStaleHead = errors.New("the chain grew since this store last appended to it")

// maxHeads bounds the heads a Store remembers (a server appends to one
// chain; tools and tests may write to many).
const maxHeads = 64

func (s *Store) appendTx(ctx context.Context, events []audit.Event) error {
	writers := writersOf(events)
	if s.d.Pipeline != nil && s.knowsHeads(writers) {
		return s.appendPipelined(ctx, events, writers)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer rollback(tx)
	if s.d.LockChains != nil {
		if err := s.d.LockChains(ctx, tx, writers); err != nil {
			return err
		}
	}
	// The head this Store committed last is the chain's unless another
	// handle appended since; then the primary key (writer, seq) refuses
	// the first row, and Append reads the heads and tries again. Reading
	// them every time would cost a round trip per append.
	heads := make(map[string]head, len(writers))
	for _, w := range writers {
		h, ok := s.heads[w]
		if !ok {
			if h, err = s.chainHead(ctx, tx, w); err != nil {
				return err
			}
		}
		heads[w] = h
	}
	for i := range events {
		e := &events[i]
		h := heads[e.Writer]
		audit.Seal(e, h.seq, h.hash)
		heads[e.Writer] = head{seq: e.Seq, hash: e.Hash}
	}
	if err := s.insert(ctx, tx, events); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	s.remember(heads)
	return nil
}

// remember keeps the heads an append committed.
func (s *Store) remember(heads map[string]head) {
	if len(s.heads)+len(heads) > maxHeads {
		clear(s.heads)
	}
	maps.Copy(s.heads, heads)
}

// knowsHeads reports whether the Store remembers the head of every chain
// of writers.
func (s *Store) knowsHeads(writers []string) bool {
	for _, w := range writers {
		if _, ok := s.heads[w]; !ok {
			return false
		}
	}
	return true
}

// appendPipelined is appendTx in one round trip (Dialect.Pipeline), for
// chains whose heads the Store remembers: the transaction, the chain locks,
// the same multi-row INSERTs and the commit are sent together. A head that
// another handle moved shows as the primary key refusing a row, as in
// appendTx.
func (s *Store) appendPipelined(ctx context.Context, events []audit.Event, writers []string) error {
	heads := make(map[string]head, len(writers))
	for _, w := range writers {
		heads[w] = s.heads[w]
	}
	for i := range events {
		e := &events[i]
		h := heads[e.Writer]
		audit.Seal(e, h.seq, h.hash)
		heads[e.Writer] = head{seq: e.Seq, hash: e.Hash}
	}
	var inserts []Statement
	for rest := events; len(rest) > 0; {
		rows := min(maxInsertRows, 1<<(bits.Len(uint(len(rest)))-1))
		args := make([]any, 0, columnCount*rows)
		for i := range rows {
			var err error
			if args, err = appendArgs(s.d, args, &rest[i]); err != nil {
				return err
			}
		}
		inserts = append(inserts, Statement{SQL: s.insertText(rows), Args: args})
		rest = rest[rows:]
	}
	if err := s.d.Pipeline(ctx, s.db, writers, inserts); err != nil {
		return s.classify(err)
	}
	s.remember(heads)
	return nil
}

// insertText is insertSQL(s.d, rows) for rows a power of two, built once.
func (s *Store) insertText(rows int) string {
	i := bits.Len(uint(rows)) - 1
	if i >= len(s.insertTexts) {
		s.insertTexts = append(s.insertTexts, make([]string, i+1-len(s.insertTexts))...)
	}
	if s.insertTexts[i] == "" {
		s.insertTexts[i] = insertSQL(s.d, rows)
	}
	return s.insertTexts[i]
}

// classify marks an INSERT's error as a stale head or a rejection.
func (s *Store) classify(err error) error {
	if s.d.Duplicate != nil && s.d.Duplicate(err) {
		return fmt.Errorf("%w: %w", errStaleHead, err)
	}
	if s.d.Rejected != nil && s.d.Rejected(err) {
		return fmt.Errorf("%w: %w", audit.ErrRejected, err)
	}
	return err
}

// writersOf returns the distinct writers of events, sorted: every
// transaction takes chain locks in the same order.
func writersOf(events []audit.Event) []string {
	ws := make([]string, 0, 1)
	for i := range events {
		if len(ws) == 0 || ws[len(ws)-1] != events[i].Writer {
			ws = append(ws, events[i].Writer)
		}
	}
	slices.Sort(ws)
	return slices.Compact(ws)
}

// chainHead reads the newest event of writer's chain. After the chain lock
// (PostgreSQL, READ COMMITTED) it is a statement of its own, which sees the
// last append of the previous lock holder.
func (s *Store) chainHead(ctx context.Context, tx *sql.Tx, writer string) (head, error) {
	var h head
	err := tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit_events WHERE writer = `+s.d.Param(1)+
		` ORDER BY seq DESC LIMIT 1`, writer).Scan(&h.seq, &h.hash)
	if errors.Is(err, sql.ErrNoRows) {
		return head{}, nil
	}
	if err != nil {
		return head{}, fmt.Errorf("head of chain %q: %w", writer, err)
	}
	return h, nil
}

// insert inserts the sealed events with as few statements as the binary
// digits of their count (the largest maxInsertRows rows), each prepared
// once per connection.
func (s *Store) insert(ctx context.Context, tx *sql.Tx, events []audit.Event) error {
	args := make([]any, 0, columnCount*min(len(events), maxInsertRows))
	for len(events) > 0 {
		rows := min(maxInsertRows, 1<<(bits.Len(uint(len(events)))-1))
		stmt, err := s.insertStmt(ctx, rows)
		if err != nil {
			return err
		}
		args = args[:0]
		for i := range rows {
			if args, err = appendArgs(s.d, args, &events[i]); err != nil {
				return err
			}
		}
		if _, err := tx.StmtContext(ctx, stmt).ExecContext(ctx, args...); err != nil {
			return s.classify(err)
		}
		events = events[rows:]
	}
	return nil
}

// insertStmt is the prepared INSERT of rows (a power of two) rows.
func (s *Store) insertStmt(ctx context.Context, rows int) (*sql.Stmt, error) {
	i := bits.Len(uint(rows)) - 1
	if i >= len(s.inserts) {
		s.inserts = append(s.inserts, make([]*sql.Stmt, i+1-len(s.inserts))...)
	}
	if s.inserts[i] == nil {
		stmt, err := s.db.PrepareContext(ctx, insertSQL(s.d, rows))
		if err != nil {
			return nil, err
		}
		s.inserts[i] = stmt
	}
	return s.inserts[i], nil
}
