package postgres

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/s3am/s3-access-manager/internal/audit"
	"github.com/s3am/s3-access-manager/internal/audit/audittest"
	"github.com/s3am/s3-access-manager/internal/testenv/postgresserver"
)

// TestQueryPlans: the common queries read an index in order instead of
// sorting the table, in a language-collated database too (the indexes are
// on the byte-wise columns the queries order by).
func TestQueryPlans(t *testing.T) {
	srv := postgresserver.Start(t)
	dsn := newDatabase(t, srv)
	s := openStore(t, dsn, Options{})
	r := rand.New(rand.NewPCG(1, 1))
	for range 10 {
		audittest.AppendN(t, s, r, "w", 500)
	}
	ctx := context.Background()
	if _, err := s.pool.Exec(ctx, `ANALYZE audit_events`); err != nil {
		t.Fatal(err)
	}
	base := audittest.BaseTime
	cur := audit.CursorAfter(&audit.Event{Time: base, Writer: "w", Seq: 3}, false).String()
	for _, f := range []audit.Filter{
		{},
		{Descending: true},
		{Cursor: cur},
		{User: "carol", From: base, Cursor: cur},
		{From: base, To: base.Add(time.Hour), Action: audit.ActionUpload},
	} {
		q, args, err := selectFor(&f, 101)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := s.pool.Query(ctx, "EXPLAIN "+q, args...)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, strings.TrimSpace(line))
		}
		rows.Close()
		joined := strings.Join(plan, "; ")
		if strings.Contains(joined, "Sort") || !strings.Contains(joined, "Index Scan") {
			t.Errorf("%+v: plan %s", f, joined)
		}
	}
}
