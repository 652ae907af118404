package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/s3am/s3-access-manager/internal/audit"
)

// head is the newest stored event of a chain.
type head struct {
	seq  int64
	hash string
}

// Append stores events in one transaction, sealing each after the head of
// its writer chain (see audit.Store).
func (s *Store) Append(ctx context.Context, events []audit.Event) error {
	if s.readOnly {
		return errReadOnly
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
	if err := s.appendTx(ctx, events); err != nil {
		return fmt.Errorf("audit store: append: %w", err)
	}
	return nil
}

func (s *Store) appendTx(ctx context.Context, events []audit.Event) error {
	// BEGIN IMMEDIATE (the DSN's _txlock): the heads read below cannot
	// change before Commit.
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer rollback(tx)
	stmt, err := tx.PrepareContext(ctx, insertSQL)
	if err != nil {
		return err
	}
	defer stmt.Close()
	heads := make(map[string]head, 1)
	for i := range events {
		e := &events[i]
		h, ok := heads[e.Writer]
		if !ok {
			if h, err = chainHead(ctx, tx, e.Writer); err != nil {
				return err
			}
		}
		audit.Seal(e, h.seq, h.hash)
		args, err := insertArgs(e)
		if err != nil {
			return err
		}
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			return rejected(err)
		}
		heads[e.Writer] = head{seq: e.Seq, hash: e.Hash}
	}
	return tx.Commit()
}

func chainHead(ctx context.Context, tx *sql.Tx, writer string) (head, error) {
	var h head
	err := tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit_events WHERE writer = ? ORDER BY seq DESC LIMIT 1`, writer).Scan(&h.seq, &h.hash)
	if errors.Is(err, sql.ErrNoRows) {
		return head{}, nil
	}
	if err != nil {
		return head{}, fmt.Errorf("head of chain %q: %w", writer, err)
	}
	return h, nil
}

// rejected marks err with audit.ErrRejected when SQLite refused the row
// itself (a constraint, a value too big) rather than failed: the
// transaction is rolled back, and the Recorder then stores each event of
// the batch alone.
func rejected(err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_TOOBIG, sqlite3.SQLITE_CONSTRAINT, sqlite3.SQLITE_MISMATCH:
			return fmt.Errorf("%w: %w", audit.ErrRejected, err)
		}
	}
	return err
}
