package cli

import (
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/s3am/s3-access-manager/internal/audit"
	"github.com/s3am/s3-access-manager/internal/audit/sqlite"
)

// runAudit executes "s3am audit ARGS" and returns the output and the exit
// code main would use.
func runAudit(t *testing.T, args ...string) (string, int) {
	t.Helper()
	stdout, stderr, code := run(t, append([]string{"audit"}, args...)...)
	return stdout + stderr, code
}

// auditDB writes 30 events of two writers and returns the file.
func auditDB(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "audit.db")
	s, err := sqlite.Open(context.Background(), path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var events []audit.Event
	for i := range 30 {
		user, decision := "alice@partner-a.com", audit.DecisionAllowed
		if i%3 == 0 {
			user, decision = "bob@partner-b.com", audit.DecisionBlocked
		}
		events = append(events, audit.Event{
			Time:     time.Date(2024, 5, 1, 12, 0, i, 0, time.UTC),
			User:     user,
			Action:   audit.ActionUpload,
			Bucket:   "partner-data",
			Key:      fmt.Sprintf("partner-a/uploads/=f%d,x.pdf", i),
			Decision: decision,
			Outcome:  audit.OutcomeSuccess,
			Writer:   []string{"pod-0", "pod-1"}[i%2],
		})
	}
	if err := s.Append(context.Background(), events); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestAuditVerify(t *testing.T) {
	path := auditDB(t)
	out, code := runAudit(t, "verify", "--sqlite", path)
	if code != 0 || !strings.Contains(out, "OK: writer pod-0: 15 events, head seq 15") || !strings.Contains(out, "OK: writer pod-1: 15 events") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	if out, code := runAudit(t, "verify", "--sqlite", path, "--writer", "pod-9"); code != 1 || !strings.Contains(out, "no events") {
		t.Errorf("unknown writer: exit %d:\n%s", code, out)
	}
	if out, code := runAudit(t, "verify", "--sqlite", filepath.Join(t.TempDir(), "missing.db")); code != 2 {
		t.Errorf("missing database: exit %d:\n%s", code, out)
	}

	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{
		`DROP TRIGGER audit_events_no_update`,
		`UPDATE audit_events SET decision = 'allowed' WHERE writer = 'pod-1' AND seq = 5`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	out, code = runAudit(t, "verify", "--sqlite", path)
	if code != 1 || !strings.Contains(out, "BROKEN: writer pod-1: seq 5:") || !strings.Contains(out, "OK: writer pod-0") || !strings.Contains(out, "1 of 2 chains broken") {
		t.Errorf("tampered: exit %d:\n%s", code, out)
	}
	if out, code := runAudit(t, "verify", "--sqlite", path, "--writer", "pod-0"); code != 0 {
		t.Errorf("intact writer: exit %d:\n%s", code, out)
	}
}

func TestAuditQuery(t *testing.T) {
	path := auditDB(t)
	out, code := runAudit(t, "query", "--sqlite", path, "--user", "bob@partner-b.com", "--format", "csv")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, out)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(rows) != 11 {
		t.Fatalf("%d rows, %v:\n%s", len(rows), err, out)
	}
	if key := rows[1][10]; key != "partner-a/uploads/=f0,x.pdf" {
		t.Errorf("key cell %q", key)
	}

	out, code = runAudit(t, "query", "--sqlite", path, "--decision", "allowed", "--from", "2024-05-01T12:00:10Z", "--to", "2024-05-01T12:00:20Z", "--newest-first", "--limit", "3")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 3 || !strings.Contains(lines[0], `"time":"2024-05-01T12:00:19Z"`) || !strings.Contains(lines[2], `"time":"2024-05-01T12:00:16Z"`) {
		t.Errorf("exit %d:\n%s", code, out)
	}

	for _, bad := range [][]string{
		{"--format", "xml"},
		{"--decision", "perhaps"},
		{"--from", "yesterday"},
		{"--from", "2024-05-02", "--to", "2024-05-01"},
	} {
		if out, code := runAudit(t, append([]string{"query", "--sqlite", path}, bad...)...); code != 2 {
			t.Errorf("%v: exit %d: %s", bad, code, out)
		}
	}
}

func TestParseAuditTime(t *testing.T) {
	now := time.Date(2024, 5, 2, 0, 0, 0, 0, time.UTC)
	cases := map[string]time.Time{
		"":                     {},
		"2024-05-01":           time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC),
		"2024-05-01T10:00:00Z": time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC),
		"24h":                  time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC),
	}
	for in, want := range cases {
		if got, err := parseAuditTime("--from", in, now); err != nil || !got.Equal(want) {
			t.Errorf("%q: %v, %v", in, got, err)
		}
	}
	if _, err := parseAuditTime("--from", "-24h", now); err == nil {
		t.Error("negative duration accepted")
	}
}
