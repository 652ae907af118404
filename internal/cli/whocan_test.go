package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/s3am/s3-access-manager/internal/accessreview"
)

func TestWhoCanOnSamples(t *testing.T) {
	dir := samples(t)
	cases := []struct {
		args     []string
		code     int
		contains []string
		lacks    []string
	}{
		{[]string{"write", "s3://partner-data/partner-a/uploads/"}, 0,
			[]string{"user:alice@partner-a.com  s3am-system/alice-uploads", "write,list", "Ready"},
			[]string{"bob", "reviewers", "processed"}},
		// A parent folder is reached by every grant below it; segments count.
		{[]string{"s3://partner-data/partner-a/"}, 0,
			[]string{"alice-uploads", "alice-processed", "auditor-2026-q4", "group:partner-a-reviewers", "2027-01-31T23:59:59Z"},
			[]string{"bob"}},
		{[]string{"s3://partner-data/partner-a/uploads-evil/"}, 0, []string{"group:partner-a-reviewers"}, []string{"alice"}},
		{[]string{"read", "s3://partner-data/partner-a/uploads/x.pdf"}, 0, []string{"partner-a-reviewers"}, []string{"alice"}},
		{[]string{"delete", "s3://partner-data/"}, 0, []string{"no grants match"}, nil},
		{[]string{"--user", "alice@partner-a.com"}, 0, []string{"alice-uploads", "alice-processed"}, []string{"reviewers"}},
		{[]string{"--user", "alice@partner-a.com", "--group", "partner-a-reviewers", "list", "s3://partner-data/partner-a/"}, 0,
			[]string{"alice-uploads", "alice-processed", "group:partner-a-reviewers"}, []string{"auditor"}},
		{[]string{"s3://partner-data/partner-a/../partner-b/"}, 2, []string{"relative paths"}, nil},
		{[]string{"s3://Partner_Data/"}, 2, []string{"bucket"}, nil},
		{[]string{"write"}, 2, []string{"give the folder too"}, nil},
		{[]string{}, 2, []string{"give s3://BUCKET/PREFIX/, --user or --group"}, nil},
		{[]string{"--user", "a\x00b"}, 2, []string{"control character"}, nil},
		{[]string{"s3://partner-data/", "-o", "yaml"}, 2, []string{"use text, json or csv"}, nil},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			stdout, stderr, code := run(t, append([]string{"who-can", "-f", dir}, c.args...)...)
			out := stdout + stderr
			if code != c.code {
				t.Errorf("exit %d, want %d:\n%s", code, c.code, out)
			}
			for _, s := range c.contains {
				if !strings.Contains(out, s) {
					t.Errorf("output lacks %q:\n%s", s, out)
				}
			}
			for _, s := range c.lacks {
				if strings.Contains(out, s) {
					t.Errorf("output has %q:\n%s", s, out)
				}
			}
		})
	}
}

// TestWhoCanJSONIsPureJSON: -o json writes one JSON document and nothing
// else on stdout, whatever the grants.
func TestWhoCanJSONIsPureJSON(t *testing.T) {
	stdout, stderr, code := run(t, "who-can", "-f", samples(t), "-o", "json", "s3://partner-data/partner-a/")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rows []accessreview.Row
	if err := json.Unmarshal([]byte(stdout), &rows); err != nil {
		t.Fatalf("stdout is not one JSON document: %v\n%s", err, stdout)
	}
	if len(rows) != 4 {
		t.Errorf("%d rows, want 4: %s", len(rows), stdout)
	}
	for _, r := range rows {
		if !r.InEffect || r.Status != accessreview.StatusReady || r.Connection != "partner-data-prod" {
			t.Errorf("row %+v", r)
		}
	}
}

func TestExportGrantsOnSamples(t *testing.T) {
	stdout, stderr, code := run(t, "export-grants", "-f", samples(t))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if lines[0] != strings.Join(accessreview.CSVHeader, ",") || len(lines) != 6 {
		t.Errorf("csv export:\n%s", stdout)
	}
	stdout, _, code = run(t, "export-grants", "-f", samples(t), "-o", "jsonl")
	if code != 0 || strings.Count(stdout, "\n") != 5 {
		t.Errorf("jsonl export, exit %d:\n%s", code, stdout)
	}
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		var r accessreview.Row
		if err := json.Unmarshal([]byte(line), &r); err != nil || r.Namespace == "" || r.Subject == "" {
			t.Errorf("line %q: %v", line, err)
		}
	}
	if _, stderr, code := run(t, "export-grants", "-f", samples(t), "-o", "text"); code != 2 || !strings.Contains(stderr, "use csv or jsonl") {
		t.Errorf("-o text: exit %d: %s", code, stderr)
	}
}
