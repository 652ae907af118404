package sqlstore

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
		return audit.VerifyResult{}, s.d.wrap(fmt.Sprintf("audit store: verify %q", writer), err)
	}
	return res, nil
}

// chainPage is an audit.ChainPage of writer's chain.
func (s *Store) chainPage(ctx context.Context, writer string, after int64, limit int) (events []audit.Event, bad, err error) {
	p := s.d.Param
	rows, err := s.db.QueryContext(ctx,
		`SELECT `+s.read+` FROM audit_events WHERE writer = `+p(1)+` AND seq > `+p(2)+` ORDER BY seq LIMIT `+p(3),
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
