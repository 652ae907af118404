package sqlstore

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/s3am/s3-access-manager/internal/audit"
)

// columnCount is the number of columns of an event row.
const columnCount = 21

// columnList lists the columns of an event row in the order of insertArgs,
// with the names of d, or, for reading, the expressions of d that read
// times as microseconds and groups as JSON (the order of scanEvent).
func columnList(d *Dialect, read bool) string {
	t, g := d.TimeColumn, d.GroupsColumn
	if read {
		t, g = d.TimeRead, d.GroupsRead
	}
	return `writer, seq, ` + t + `, request_id, user_name, ` + g + `, source_ip, user_agent,
	action, connection, bucket, object_key, decision, reason, grant_ref, outcome, error, bytes,
	etag, prev_hash, hash`
}

// insertSQL is the statement inserting rows events.
func insertSQL(d *Dialect, rows int) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO audit_events (` + columnList(d, false) + `) VALUES `)
	n := 0
	for r := range rows {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for c := range columnCount {
			if c > 0 {
				b.WriteString(", ")
			}
			n++
			b.WriteString(d.Param(n))
		}
		b.WriteByte(')')
	}
	return b.String()
}

// appendArgs appends the arguments of e's row to args.
func appendArgs(d *Dialect, args []any, e *audit.Event) ([]any, error) {
	groups, err := d.GroupsArg(e.Groups)
	if err != nil {
		return nil, fmt.Errorf("groups: %w", err)
	}
	return append(args,
		e.Writer, e.Seq, d.TimeArg(e.Time.UnixMicro()), e.RequestID, e.User, groups, e.SourceIP, e.UserAgent,
		e.Action, e.Connection, e.Bucket, e.Key, string(e.Decision), e.Reason, e.Grant, string(e.Outcome), e.Error, e.Bytes,
		e.ETag, e.PrevHash, e.Hash), nil
}

// scanner is a row of a result: *sql.Rows or *sql.Row.
type scanner interface{ Scan(dest ...any) error }

// scanEvent reads one row of columnList(d, true). An error means the row is
// not what this program wrote.
func scanEvent(row scanner, e *audit.Event) error {
	var (
		timeUS   int64
		groups   string
		decision string
		outcome  string
	)
	if err := row.Scan(&e.Writer, &e.Seq, &timeUS, &e.RequestID, &e.User, &groups, &e.SourceIP, &e.UserAgent,
		&e.Action, &e.Connection, &e.Bucket, &e.Key, &decision, &e.Reason, &e.Grant, &outcome, &e.Error, &e.Bytes,
		&e.ETag, &e.PrevHash, &e.Hash); err != nil {
		return err
	}
	e.Time = time.UnixMicro(timeUS).UTC()
	e.Decision, e.Outcome = audit.Decision(decision), audit.Outcome(outcome)
	var raw []*string
	if err := json.Unmarshal([]byte(groups), &raw); err != nil {
		return fmt.Errorf("groups of seq %d: %w", e.Seq, err)
	}
	e.Groups = make([]string, len(raw))
	for i, g := range raw {
		if g == nil {
			return fmt.Errorf("groups of seq %d: %w", e.Seq, errNullGroup)
		}
		e.Groups[i] = *g
	}
	return nil
}

var errNullGroup = errors.New("a group is null")

// JSONGroups is a Dialect.GroupsArg storing groups as a JSON array.
func JSONGroups(groups []string) (any, error) {
	b, err := json.Marshal(groups)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}
