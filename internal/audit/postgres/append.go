package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/s3am/s3-access-manager/internal/audit"
)

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

// Append stores events in one transaction, sealing each after the head of
// its writer chain (see audit.Store).
//
// The transaction takes a transaction-scoped advisory lock per writer before
// it reads the chain's head, so appends to one chain are serialized across
// every connection and process, and the lock goes with the transaction,
// whatever ends it (commit, rollback, a lost connection). The primary key
// (writer, seq) backs this up: an append that bypassed the lock would fail
// rather than fork the chain.
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
	err := s.appendTx(ctx, events)
	if err != nil && pgconn.SafeToRetry(err) && ctx.Err() == nil {
		// Nothing reached the server (typically a pooled connection that
		// died with a server restart): one more try on a fresh connection
		// cannot store anything twice.
		err = s.appendTx(ctx, events)
	}
	if err != nil {
		return s.secrets.wrap("audit store: append", err)
	}
	return nil
}

// head is the newest stored event of a chain.
type head struct {
	seq  int64
	hash string
}

func (s *Store) appendTx(ctx context.Context, events []audit.Event) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer rollback(tx)
	heads, err := lockHeads(ctx, tx, writersOf(events))
	if err != nil {
		return err
	}
	b := &pgx.Batch{}
	for i := range events {
		e := &events[i]
		h := heads[e.Writer]
		audit.Seal(e, h.seq, h.hash)
		heads[e.Writer] = head{seq: e.Seq, hash: e.Hash}
		b.Queue(insertSQL, insertArgs(e)...)
	}
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return rejected(err)
	}
	return tx.Commit(ctx)
}

// writersOf returns the distinct writers of events, sorted: every
// transaction takes chain locks in the same order, so two batches spanning
// the same writers cannot deadlock.
func writersOf(events []audit.Event) []string {
	ws := make([]string, 0, 1)
	for i := range events {
		ws = append(ws, events[i].Writer)
	}
	slices.Sort(ws)
	return slices.Compact(ws)
}

// lockHeads locks the chains of writers and reads their heads, in one round
// trip. In READ COMMITTED each statement sees what was committed when it
// started, and the head reads start after the locks are held: they see the
// last append of the previous lock holder, which committed before it let go.
func lockHeads(ctx context.Context, tx pgx.Tx, writers []string) (map[string]head, error) {
	b := &pgx.Batch{}
	for _, w := range writers {
		b.Queue(`SELECT pg_advisory_xact_lock($1)`, chainLockKey(w))
	}
	for _, w := range writers {
		b.Queue(`SELECT seq, hash FROM audit_events WHERE writer = $1 ORDER BY seq DESC LIMIT 1`, w)
	}
	br := tx.SendBatch(ctx, b)
	defer br.Close()
	for _, w := range writers {
		if _, err := br.Exec(); err != nil {
			return nil, fmt.Errorf("lock chain %q: %w", w, err)
		}
	}
	heads := make(map[string]head, len(writers))
	for _, w := range writers {
		var h head
		err := br.QueryRow().Scan(&h.seq, &h.hash)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return nil, fmt.Errorf("head of chain %q: %w", w, err)
		}
		heads[w] = h
	}
	return heads, br.Close()
}

// rejected marks err with audit.ErrRejected when PostgreSQL refused the rows
// themselves rather than failed: a data exception (class 22), a constraint
// (23), a size limit such as the btree entry limit (54) or an exception
// raised by a trigger (P0001). The transaction is rolled back, and the
// Recorder then stores each event of the batch alone.
func rejected(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code[:2] {
		case "22", "23", "54":
			return fmt.Errorf("%w: %w", audit.ErrRejected, err)
		}
		if pgErr.Code == "P0001" {
			return fmt.Errorf("%w: %w", audit.ErrRejected, err)
		}
	}
	return err
}
