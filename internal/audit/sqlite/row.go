package sqlite

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/s3am/s3-access-manager/internal/audit"
)

// columns in the order of insertArgs and scanEvent.
const columns = `writer, seq, time_us, request_id, user_name, groups_json, source_ip, user_agent,
	action, connection, bucket, object_key, decision, reason, grant_ref, outcome, error, bytes,
	etag, prev_hash, hash`

const insertSQL = `INSERT INTO audit_events (` + columns + `)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

func insertArgs(e *audit.Event) ([]any, error) {
	groups, err := json.Marshal(e.Groups)
	if err != nil {
		return nil, fmt.Errorf("groups: %w", err)
	}
	return []any{
		e.Writer, e.Seq, e.Time.UnixMicro(), e.RequestID, e.User, string(groups), e.SourceIP, e.UserAgent,
		e.Action, e.Connection, e.Bucket, e.Key, string(e.Decision), e.Reason, e.Grant, string(e.Outcome), e.Error, e.Bytes,
		e.ETag, e.PrevHash, e.Hash,
	}, nil
}

// scanEvent reads one row of columns. An error means the row is not what
// this program wrote.
func scanEvent(rows *sql.Rows, e *audit.Event) error {
	var (
		timeUS   int64
		groups   string
		decision string
		outcome  string
	)
	if err := rows.Scan(&e.Writer, &e.Seq, &timeUS, &e.RequestID, &e.User, &groups, &e.SourceIP, &e.UserAgent,
		&e.Action, &e.Connection, &e.Bucket, &e.Key, &decision, &e.Reason, &e.Grant, &outcome, &e.Error, &e.Bytes,
		&e.ETag, &e.PrevHash, &e.Hash); err != nil {
		return err
	}
	e.Time = time.UnixMicro(timeUS).UTC()
	e.Decision, e.Outcome = audit.Decision(decision), audit.Outcome(outcome)
	e.Groups = nil
	if err := json.Unmarshal([]byte(groups), &e.Groups); err != nil {
		return fmt.Errorf("groups of seq %d: %w", e.Seq, err)
	}
	if e.Groups == nil {
		e.Groups = []string{}
	}
	return nil
}
