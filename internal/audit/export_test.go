package audit_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/s3am/s3-access-manager/internal/audit"
	"github.com/s3am/s3-access-manager/internal/audit/sqlite"
)

func storeWith(t *testing.T, events []audit.Event) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "audit.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Append(context.Background(), events); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestExportCSVEscaping(t *testing.T) {
	tricky := []struct{ key, agent, wantKey, wantAgent string }{
		{"a,b/c.pdf", `say "hi"`, "a,b/c.pdf", `say "hi"`},
		{"line\nbreak.txt", "tab\there", "line\nbreak.txt", "tab\there"},
		{"=HYPERLINK(\"http://evil\")", "+cmd", "'=HYPERLINK(\"http://evil\")", "'+cmd"},
		{"@SUM(A1)", "-2+3", "'@SUM(A1)", "'-2+3"},
		{"\rx.csv", "\ttab", "'\rx.csv", "'\ttab"},
		{"ünïcödé/ключ.txt", "", "ünïcödé/ключ.txt", ""},
	}
	var events []audit.Event
	for i, c := range tricky {
		e := attempt(i)
		e.Time = time.Date(2024, 5, 1, 0, 0, i, 0, time.UTC)
		e.Writer, e.Key, e.UserAgent = "w", c.key, c.agent
		e.Groups = []string{"a,b", `q"uote`}
		events = append(events, e)
	}
	s := storeWith(t, events)
	var out bytes.Buffer
	if err := audit.Export(context.Background(), s, audit.Filter{}, audit.FormatCSV, &out); err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(&out).ReadAll()
	if err != nil {
		t.Fatalf("output is not CSV: %v\n%s", err, out.String())
	}
	if !slices.Equal(records[0], audit.CSVHeader) || len(records) != len(tricky)+1 {
		t.Fatalf("header %v, %d records", records[0], len(records))
	}
	col := func(name string) int { return slices.Index(audit.CSVHeader, name) }
	for i, c := range tricky {
		r := records[i+1]
		if r[col("key")] != c.wantKey || r[col("userAgent")] != c.wantAgent {
			t.Errorf("row %d: key %q agent %q, want %q %q", i, r[col("key")], r[col("userAgent")], c.wantKey, c.wantAgent)
		}
		var groups []string
		if err := json.Unmarshal([]byte(r[col("groups")]), &groups); err != nil || !slices.Equal(groups, []string{"a,b", `q"uote`}) {
			t.Errorf("row %d: groups %q", i, r[col("groups")])
		}
		if r[col("seq")] != fmt.Sprint(i+1) || r[col("hash")] != events[i].Hash || r[col("time")] != events[i].Time.Format(time.RFC3339Nano) {
			t.Errorf("row %d: %v", i, r)
		}
	}
}

// TestExportJSONLinesAcrossPages streams more than one page and keeps every
// event exactly, in order.
func TestExportJSONLinesAcrossPages(t *testing.T) {
	const n = 2*audit.MaxPageSize + 17
	events := make([]audit.Event, n)
	for i := range events {
		events[i] = attempt(i)
		events[i].Writer = "w"
		events[i].Time = time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i%50) * time.Millisecond)
		if i%3 == 0 {
			events[i].User = "bob"
		}
	}
	s := storeWith(t, events)
	for _, f := range []audit.Filter{{}, {User: "bob", Descending: true}} {
		var out bytes.Buffer
		if err := audit.Export(context.Background(), s, f, audit.FormatJSONL, &out); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(&out)
		var got []audit.Event
		for sc.Scan() {
			var e audit.Event
			if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
				t.Fatal(err)
			}
			if e.ComputeHash() != e.Hash {
				t.Fatalf("line for seq %d does not re-hash", e.Seq)
			}
			got = append(got, e)
		}
		want := 0
		for i := range events {
			if f.Matches(&events[i]) {
				want++
			}
		}
		if len(got) != want {
			t.Errorf("%+v: %d lines, want %d", f, len(got), want)
		}
		seen := map[int64]bool{}
		for _, e := range got {
			if seen[e.Seq] {
				t.Errorf("seq %d twice", e.Seq)
			}
			seen[e.Seq] = true
		}
	}
}

func TestExportRejectsUnknownFormat(t *testing.T) {
	s := storeWith(t, nil)
	if err := audit.Export(context.Background(), s, audit.Filter{}, "xml", &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "xml") {
		t.Errorf("Export xml: %v", err)
	}
}
