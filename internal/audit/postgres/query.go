package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/s3am/s3-access-manager/internal/audit"
)

// Query returns one page of the events matching f, in (time, writer, seq)
// order. Pagination is by keyset: the cursor holds the last position, so
// events appended while a client pages never shift a page or repeat. Pages
// and cursors are those of every audit.Store for the same events.
func (s *Store) Query(ctx context.Context, f audit.Filter) (audit.Page, error) {
	if err := f.Validate(); err != nil {
		return audit.Page{}, err
	}
	size := f.PageSize()
	q, args, err := selectFor(&f, size+1)
	if err != nil {
		return audit.Page{}, err
	}
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return audit.Page{}, s.secrets.wrap("audit store: query", err)
	}
	defer rows.Close()
	events := make([]audit.Event, 0, min(size+1, 128))
	for rows.Next() {
		var e audit.Event
		if err := scanEvent(rows, &e); err != nil {
			return audit.Page{}, s.secrets.wrap("audit store: query", err)
		}
		events = append(events, e)
	}
	if err := rows.Err(); err != nil {
		return audit.Page{}, s.secrets.wrap("audit store: query", err)
	}
	var page audit.Page
	if len(events) > size {
		events = events[:size]
		page.Next = audit.CursorAfter(&events[size-1], f.Descending).String()
	}
	page.Events = events
	return page, nil
}

// selectFor builds the query of a validated filter.
func selectFor(f *audit.Filter, limit int) (string, []any, error) {
	var (
		where []string
		args  []any
	)
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	eq := func(column, value string) {
		if value != "" {
			where = append(where, column+" = "+arg(value))
		}
	}
	eq("user_name", f.User)
	eq("action", f.Action)
	eq("decision", string(f.Decision))
	eq("outcome", string(f.Outcome))
	eq("connection", f.Connection)
	eq("bucket", f.Bucket)
	eq("writer", f.Writer)
	if f.KeyPrefix != "" {
		// A byte-wise range (object_key is COLLATE "C"), not LIKE: no
		// escaping, and it uses the index. starts_with keeps the match
		// exact where the range has no end that is valid text.
		p := arg(f.KeyPrefix)
		where = append(where, "object_key >= "+p, "starts_with(object_key, "+p+")")
		if end, ok := prefixEnd(f.KeyPrefix); ok {
			where = append(where, "object_key < "+arg(end))
		}
	}
	if !f.From.IsZero() {
		where = append(where, "event_time >= "+arg(microTime(audit.CeilMicro(f.From))))
	}
	if !f.To.IsZero() {
		where = append(where, "event_time < "+arg(microTime(audit.CeilMicro(f.To))))
	}
	dir := "ASC"
	if f.Descending {
		dir = "DESC"
	}
	if f.Cursor != "" {
		c, err := audit.ParseCursor(f.Cursor)
		if err != nil {
			return "", nil, err
		}
		op := ">"
		if f.Descending {
			op = "<"
		}
		where = append(where, fmt.Sprintf("(event_time, writer, seq) %s (%s, %s, %s)",
			op, arg(microTime(c.TimeMicros)), arg(c.Writer), arg(c.Seq)))
	}
	var b strings.Builder
	b.WriteString("SELECT " + columns + " FROM audit_events")
	if len(where) > 0 {
		b.WriteString(" WHERE " + strings.Join(where, " AND "))
	}
	fmt.Fprintf(&b, " ORDER BY event_time %[1]s, writer %[1]s, seq %[1]s LIMIT %[2]s", dir, arg(limit))
	return b.String(), args, nil
}

// microTime is the time of a microsecond count, as stored.
func microTime(us int64) time.Time { return time.UnixMicro(us).UTC() }

// prefixEnd is the smallest valid UTF-8 string greater, byte-wise, than
// every string starting with prefix; ok is false when there is none that
// PostgreSQL text can hold (the last byte cannot be incremented into valid
// UTF-8), and the caller then relies on starts_with alone.
func prefixEnd(prefix string) (string, bool) {
	b := []byte(prefix)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < 0xFF {
			b[i]++
			end := string(b[:i+1])
			return end, utf8.ValidString(end)
		}
	}
	return "", false
}
