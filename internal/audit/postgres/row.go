package postgres

import (
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/s3am/s3-access-manager/internal/audit"
)

// columns in the order of insertArgs and scanEvent.
const columns = `writer, seq, event_time, request_id, user_name, groups, source_ip, user_agent,
	action, connection, bucket, object_key, decision, reason, grant_ref, outcome, error, bytes,
	etag, prev_hash, hash`

const insertSQL = `INSERT INTO audit_events (` + columns + `)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)`

func insertArgs(e *audit.Event) []any {
	return []any{
		e.Writer, e.Seq, e.Time, e.RequestID, e.User, e.Groups, e.SourceIP, e.UserAgent,
		e.Action, e.Connection, e.Bucket, e.Key, string(e.Decision), e.Reason, e.Grant, string(e.Outcome), e.Error, e.Bytes,
		e.ETag, e.PrevHash, e.Hash,
	}
}

// scanEvent reads one row of columns. An error means the row is not what
// this program wrote (a NULL in groups, say).
func scanEvent(row pgx.Row, e *audit.Event) error {
	var (
		t        time.Time
		decision string
		outcome  string
	)
	e.Groups = nil
	if err := row.Scan(&e.Writer, &e.Seq, &t, &e.RequestID, &e.User, &e.Groups, &e.SourceIP, &e.UserAgent,
		&e.Action, &e.Connection, &e.Bucket, &e.Key, &decision, &e.Reason, &e.Grant, &outcome, &e.Error, &e.Bytes,
		&e.ETag, &e.PrevHash, &e.Hash); err != nil {
		return err
	}
	e.Time = t.UTC()
	e.Decision, e.Outcome = audit.Decision(decision), audit.Outcome(outcome)
	if e.Groups == nil {
		e.Groups = []string{}
	}
	return nil
}
