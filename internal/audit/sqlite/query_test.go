package sqlite

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/s3am/s3-access-manager/internal/audit"
)

// TestQueryPlans: the common queries read an index in order instead of
// sorting the table.
func TestQueryPlans(t *testing.T) {
	s, _ := openStore(t)
	appendN(t, s, rand.New(rand.NewPCG(1, 1)), "w", 50)
	cur := audit.CursorAfter(&audit.Event{Time: baseTime, Writer: "w", Seq: 3}, false).String()
	for _, f := range []audit.Filter{
		{},
		{Descending: true},
		{Cursor: cur},
		{User: "carol", From: baseTime, Cursor: cur},
		{From: baseTime, To: baseTime.Add(time.Hour), Action: audit.ActionUpload},
	} {
		q, args, err := selectFor(&f, 10)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := s.db.Query("EXPLAIN QUERY PLAN "+q, args...)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		joined := strings.Join(plan, "; ")
		if strings.Contains(joined, "TEMP B-TREE") || !strings.Contains(joined, "INDEX") {
			t.Errorf("%+v: plan %s", f, joined)
		}
	}
}

func TestReadOnly(t *testing.T) {
	ctx := context.Background()
	if _, err := Open(ctx, t.TempDir()+"/missing.db", Options{ReadOnly: true}); err == nil {
		t.Error("opened a missing database read-only")
	}
	s, path := openStore(t)
	appendN(t, s, rand.New(rand.NewPCG(1, 1)), "w", 5)
	ro, err := Open(ctx, path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if err := ro.Append(ctx, []audit.Event{randomEvent(rand.New(rand.NewPCG(1, 1)), "w")}); err == nil {
		t.Error("read-only store appended")
	}
	if res, err := ro.Verify(ctx, "w"); err != nil || !res.OK() || res.Count != 5 {
		t.Errorf("verify read-only: %+v %v", res, err)
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	s, path := openStore(t)
	s.Close()
	exec(t, rawDB(t, path), `PRAGMA user_version = 99`)
	if _, err := Open(context.Background(), path, Options{}); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Errorf("Open: %v", err)
	}
}

func TestPathWithURICharacters(t *testing.T) {
	path := t.TempDir() + "/a b?c#d%20.db"
	s, err := Open(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	appendN(t, s, rand.New(rand.NewPCG(1, 1)), "w", 1)
	if _, err := Open(context.Background(), path, Options{ReadOnly: true}); err != nil {
		t.Errorf("reopen: %v", err)
	}
}

func TestPrefixEnd(t *testing.T) {
	cases := map[string]string{"a/": "a0", "a": "b", "a\xff": "b", "é": "\xc3\xaa"}
	for in, want := range cases {
		if got, ok := prefixEnd(in); !ok || got != want {
			t.Errorf("prefixEnd(%q) = %q, %v", in, got, ok)
		}
	}
	if _, ok := prefixEnd("\xff\xff"); ok {
		t.Error("prefixEnd of 0xFF 0xFF")
	}
}
