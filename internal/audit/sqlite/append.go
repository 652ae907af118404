package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

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
			return err
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
