package sqlite

import (
	"context"
	"fmt"

	"github.com/s3am/s3-access-manager/internal/audit"
)

// Verify walks the chain of writer from Seq 1 and reports its first broken
// link (see audit.VerifyChain).
func (s *Store) Verify(ctx context.Context, writer string) (audit.VerifyResult, error) {
	res, err := audit.VerifyChain(ctx, writer, func(ctx context.Context, after int64, limit int) ([]audit.Event, error, error) {
		return s.chainPage(ctx, writer, after, limit)
	})
	if err != nil {
		return audit.VerifyResult{}, fmt.Errorf("audit store: verify %q: %w", writer, err)
	}
	return res, nil
}

// chainPage is an audit.ChainPage of writer's chain.
func (s *Store) chainPage(ctx context.Context, writer string, after int64, limit int) (events []audit.Event, bad, err error) {
	rows, err := s.db.QueryContext(ctx,
		`SELECT `+columns+` FROM audit_events WHERE writer = ? AND seq > ? ORDER BY seq LIMIT ?`,
		writer, after, limit)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var e audit.Event
		if err := scanEvent(rows, &e); err != nil {
			return events, err, nil
		}
		events = append(events, e)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	return events, nil, nil
}
