package sqlstore

import (
	"context"
	"fmt"
	"strings"
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
	q, args, err := s.selectFor(&f, size+1)
	if err != nil {
		return audit.Page{}, err
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return audit.Page{}, s.d.wrap("audit store: query", err)
	}
	defer rows.Close()
	events := make([]audit.Event, 0, min(size+1, 128))
	for rows.Next() {
		var e audit.Event
		if err := scanEvent(rows, &e); err != nil {
			return audit.Page{}, s.d.wrap("audit store: query", err)
		}
		events = append(events, e)
	}
	if err := rows.Err(); err != nil {
		return audit.Page{}, s.d.wrap("audit store: query", err)
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
func (s *Store) selectFor(f *audit.Filter, limit int) (string, []any, error) {
	var (
		where []string
		args  []any
	)
	arg := func(v any) string {
		args = append(args, v)
		return s.d.Param(len(args))
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
	eq("request_id", f.RequestID)
	if f.KeyPrefix != "" {
		// A byte-wise range, not LIKE: no escaping, and it uses the index.
		p := arg(f.KeyPrefix)
		where = append(where, "object_key >= "+p)
		if s.d.StartsWith != "" {
			where = append(where, fmt.Sprintf(s.d.StartsWith, p))
		}
		if end, ok := PrefixEnd(f.KeyPrefix, s.d.StartsWith != ""); ok {
			where = append(where, "object_key < "+arg(end))
		}
	}
	t := s.d.TimeColumn
	if !f.From.IsZero() {
		where = append(where, t+" >= "+arg(s.d.TimeArg(audit.CeilMicro(f.From))))
	}
	if !f.To.IsZero() {
		where = append(where, t+" < "+arg(s.d.TimeArg(audit.CeilMicro(f.To))))
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
		where = append(where, fmt.Sprintf("(%s, writer, seq) %s (%s, %s, %s)",
			t, op, arg(s.d.TimeArg(c.TimeMicros)), arg(c.Writer), arg(c.Seq)))
	}
	var b strings.Builder
	b.WriteString("SELECT " + s.read + " FROM audit_events")
	if len(where) > 0 {
		b.WriteString(" WHERE " + strings.Join(where, " AND "))
	}
	fmt.Fprintf(&b, " ORDER BY %[1]s %[2]s, writer %[2]s, seq %[2]s LIMIT %[3]s", t, dir, arg(limit))
	return b.String(), args, nil
}

// PrefixEnd is the smallest string greater, byte-wise, than every string
// starting with prefix; ok is false when there is none (prefix is all
// 0xFF) or, with validUTF8, none that is valid UTF-8 (what PostgreSQL text
// can hold: the last byte cannot be incremented into valid UTF-8), and the
// caller then relies on Dialect.StartsWith alone.
func PrefixEnd(prefix string, validUTF8 bool) (string, bool) {
	b := []byte(prefix)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < 0xFF {
			b[i]++
			end := string(b[:i+1])
			return end, !validUTF8 || utf8.ValidString(end)
		}
	}
	return "", false
}
