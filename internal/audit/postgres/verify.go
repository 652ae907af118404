package postgres

import (
	"context"
	"errors"

	"github.com/s3am/s3-access-manager/internal/audit"
)

// verifyPage is how many events Verify reads per query: a long chain is
// checked in short statements, without one huge result set in memory.
const verifyPage = 1000

// Verify walks the chain of writer from Seq 1 and reports its first broken
// link. A writer without events has an empty, intact chain.
func (s *Store) Verify(ctx context.Context, writer string) (audit.VerifyResult, error) {
	if writer == "" {
		return audit.VerifyResult{}, errors.New("audit store: verify: no writer")
	}
	v := audit.NewChainVerifier(writer)
	var after int64
	for {
		n, last, intact, err := s.verifyPage(ctx, v, writer, after)
		if err != nil {
			return audit.VerifyResult{}, s.errorf("audit store: verify %q", err, writer)
		}
		if !intact || n < verifyPage {
			return v.Result(), nil
		}
		after = last
	}
}

// verifyPage feeds the events of writer after Seq after to v. It returns how
// many rows it read, the last Seq read, and whether the chain is still
// intact.
func (s *Store) verifyPage(ctx context.Context, v *audit.ChainVerifier, writer string, after int64) (int, int64, bool, error) {
	rows, err := s.pool.Query(ctx,
		`SELECT `+columns+` FROM audit_events WHERE writer = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
		writer, after, verifyPage)
	if err != nil {
		return 0, 0, false, err
	}
	defer rows.Close()
	n, last := 0, after
	for rows.Next() {
		n++
		var e audit.Event
		if err := scanEvent(rows, &e); err != nil {
			// The row exists but is not what was written: that is a
			// finding about the chain, not a failure to read it.
			v.Unreadable(v.Next(), err)
			return n, last, false, nil
		}
		if !v.Check(&e) {
			return n, last, false, nil
		}
		last = e.Seq
	}
	if err := rows.Err(); err != nil {
		return 0, 0, false, err
	}
	return n, last, true, nil
}
