package audittest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/s3am/s3-access-manager/internal/audit"
)

// Planner shows how a store's database runs the query of a filter (see
// sqlstore.Store.Plan).
type Planner interface {
	Plan(ctx context.Context, f audit.Filter) ([]string, error)
}

// CheckPlans checks that the common queries read an index in order instead
// of sorting the table: each plan of s mentions index and never sort (the
// words of the database's EXPLAIN).
func CheckPlans(t *testing.T, s Planner, index, sort string) {
	t.Helper()
	cur := audit.CursorAfter(&audit.Event{Time: BaseTime, Writer: "w", Seq: 3}, false).String()
	for _, f := range []audit.Filter{
		{},
		{Descending: true},
		{Cursor: cur},
		{User: "carol", From: BaseTime, Cursor: cur},
		{From: BaseTime, To: BaseTime.Add(time.Hour), Action: audit.ActionUpload},
	} {
		plan, err := s.Plan(context.Background(), f)
		if err != nil {
			t.Fatal(err)
		}
		joined := strings.Join(plan, "; ")
		if strings.Contains(joined, sort) || !strings.Contains(joined, index) {
			t.Errorf("%+v: plan %s", f, joined)
		}
	}
}
