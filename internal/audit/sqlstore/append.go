package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
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
// (Dialect.LockChains) before it reads the heads, so appends to one chain
// are serialized across every connection and process; the primary key
// (writer, seq) backs this up: an append that bypassed the lock fails
// rather than forks the chain. Rows are inserted by multi-row INSERTs.
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
	if errors.Is(err, driver.ErrBadConn) && ctx.Err() == nil {
		// Nothing reached the server (typically a pooled connection that
		// died with a server restart): one more try on a fresh connection
		// cannot store anything twice.
		err = s.appendTx(ctx, events)
	}
	if err != nil {
		return s.d.wrap("audit store: append", err)
	}
	return nil
}

func (s *Store) appendTx(ctx context.Context, events []audit.Event) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer rollback(tx)
	writers := writersOf(events)
	if s.d.LockChains != nil {
		if err := s.d.LockChains(ctx, tx, writers); err != nil {
			return err
		}
	}
	heads := make(map[string]head, len(writers))
	for _, w := range writers {
		if heads[w], err = s.chainHead(ctx, tx, w); err != nil {
			return err
		}
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
	return tx.Commit()
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
			if s.d.Rejected != nil && s.d.Rejected(err) {
				return fmt.Errorf("%w: %w", audit.ErrRejected, err)
			}
			return err
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
