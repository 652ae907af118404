package sqlite

import (
	"context"
	"fmt"
	"strings"

	"github.com/s3am/s3-access-manager/internal/audit"
)

// Query returns one page of the events matching f, in (time, writer, seq)
// order. Pagination is by keyset: the cursor holds the last position, so
// events appended while a client pages never shift a page or repeat.
func (s *Store) Query(ctx context.Context, f audit.Filter) (audit.Page, error) {
	if err := f.Validate(); err != nil {
		return audit.Page{}, err
	}
	size := f.PageSize()
	q, args, err := selectFor(&f, size+1)
	if err != nil {
		return audit.Page{}, err
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return audit.Page{}, fmt.Errorf("audit store: query: %w", err)
	}
	defer rows.Close()
	events := make([]audit.Event, 0, min(size+1, 128))
	for rows.Next() {
		var e audit.Event
		if err := scanEvent(rows, &e); err != nil {
			return audit.Page{}, fmt.Errorf("audit store: query: %w", err)
		}
		events = append(events, e)
	}
	if err := rows.Err(); err != nil {
		return audit.Page{}, fmt.Errorf("audit store: query: %w", err)
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
	eq := func(column, value string) {
		if value != "" {
			where = append(where, column+" = ?")
			args = append(args, value)
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
		// A range, not LIKE: no escaping, byte-exact, and it uses the index.
		where = append(where, "object_key >= ?")
		args = append(args, f.KeyPrefix)
		if end, ok := prefixEnd(f.KeyPrefix); ok {
			where = append(where, "object_key < ?")
			args = append(args, end)
		}
	}
	if !f.From.IsZero() {
		where = append(where, "time_us >= ?")
		args = append(args, audit.CeilMicro(f.From))
	}
	if !f.To.IsZero() {
		where = append(where, "time_us < ?")
		args = append(args, audit.CeilMicro(f.To))
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
		where = append(where, "(time_us, writer, seq) "+op+" (?, ?, ?)")
		args = append(args, c.TimeMicros, c.Writer, c.Seq)
	}
	var b strings.Builder
	b.WriteString("SELECT " + columns + " FROM audit_events")
	if len(where) > 0 {
		b.WriteString(" WHERE " + strings.Join(where, " AND "))
	}
	fmt.Fprintf(&b, " ORDER BY time_us %[1]s, writer %[1]s, seq %[1]s LIMIT ?", dir)
	args = append(args, limit)
	return b.String(), args, nil
}

// prefixEnd is the smallest string greater than every string starting with
// prefix, byte-wise; ok is false when there is none (prefix is all 0xFF).
func prefixEnd(prefix string) (string, bool) {
	b := []byte(prefix)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < 0xFF {
			b[i]++
			return string(b[:i+1]), true
		}
	}
	return "", false
}
