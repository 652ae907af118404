package accessreview_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/s3am/s3-access-manager/internal/accessreview"
	"github.com/s3am/s3-access-manager/internal/grant"
)

func TestReaches(t *testing.T) {
	long := "a/" + strings.Repeat("x", 1020) + "/" // 1023 bytes
	for _, tc := range []struct {
		grant, path string
		want        bool
	}{
		{"partner-a/uploads/", "partner-a/uploads/", true},
		{"partner-a/uploads/", "partner-a/", true},              // covers partner-a/uploads/x
		{"partner-a/uploads/", "", true},                        // the bucket root
		{"partner-a/uploads/", "partner-a/uploads/2024/", true}, // a folder under the grant
		{"partner-a/uploads/", "partner-a/uploads-evil/", false},
		{"partner-a/uploads/", "partner-a/upload/", false},
		{"partner-a/uploads/", "partner-b/", false},
		{"", "anything/below/", true},
		{"partner-a/uploads/", "partner-a/uploads/x.pdf", true},
		{"partner-a/uploads/", "partner-a/uploads-evil/x.pdf", false},
		{"partner-a/uploads/", "partner-a/x.pdf", false}, // a key beside the grant
		{long, "a/", true},
		{long + "b/", "a/", false}, // 1025 bytes: no key fits under it
		{"a/", long, true},
		{"a/", long + "/", false},
	} {
		if got := accessreview.Reaches(tc.grant, tc.path); got != tc.want {
			t.Errorf("Reaches(%q, %q) = %v, want %v", tc.grant, tc.path, got, tc.want)
		}
	}
}

var until = time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)

// prodGrant is a grant of s3am-system on the prod connection's partner-data
// bucket, which every sample entry is.
func prodGrant(name, prefix string, perms grant.Permissions, subjects ...grant.Subject) grant.Grant {
	return grant.Grant{Namespace: "s3am-system", Name: name, Connection: "prod", Bucket: "partner-data",
		Prefix: prefix, Subjects: subjects, Permissions: perms}
}

func sampleEntries() []accessreview.Entry {
	alice := grant.Subject{Kind: grant.User, Name: "alice@partner-a.com"}
	reviewers := grant.Subject{Kind: grant.Group, Name: "reviewers"}
	auditor := grant.Subject{Kind: grant.User, Name: "=auditor"}
	return []accessreview.Entry{
		{Grant: prodGrant("alice-uploads", "partner-a/uploads/", grant.NewPermissions(grant.Write, grant.List), alice),
			InEffect: true, Status: accessreview.StatusReady},
		{Grant: prodGrant("reviewers", "partner-a/", grant.NewPermissions(grant.Read), reviewers, alice, reviewers),
			ValidUntil: until, InEffect: true, Status: accessreview.StatusReady},
		{Grant: prodGrant("auditor", "", grant.NewPermissions(grant.Read), auditor),
			Status: "Expired", Message: "grant expired"},
		{Grant: prodGrant("evil", "partner-a/uploads-evil/", grant.NewPermissions(grant.Write), alice),
			InEffect: true, Status: accessreview.StatusReady},
		{Grant: prodGrant("broken", "partner-a", grant.NewPermissions(grant.Write), alice),
			InEffect: true, Status: accessreview.StatusReady},
	}
}

func ids(rows []accessreview.Row) []string {
	var out []string
	for _, r := range rows {
		out = append(out, strings.ToLower(r.SubjectKind)+":"+r.Subject+" "+r.Grant()+" "+r.Status)
	}
	return out
}

func TestSelect(t *testing.T) {
	for _, tc := range []struct {
		name string
		q    accessreview.Query
		want []string
	}{
		{"who can write under uploads/", accessreview.Query{Bucket: "partner-data", Path: "partner-a/uploads/", Permission: grant.Write},
			[]string{"user:alice@partner-a.com s3am-system/alice-uploads Ready"}},
		{"who can reach partner-a/, in effect", accessreview.Query{Bucket: "partner-data", Path: "partner-a/", InEffectOnly: true},
			[]string{"user:alice@partner-a.com s3am-system/alice-uploads Ready", "user:alice@partner-a.com s3am-system/evil Ready",
				"user:alice@partner-a.com s3am-system/reviewers Ready", "group:reviewers s3am-system/reviewers Ready"}},
		{"a key", accessreview.Query{Bucket: "partner-data", Path: "partner-a/uploads-evil/x.pdf"},
			[]string{"user:=auditor s3am-system/auditor Expired", "user:alice@partner-a.com s3am-system/evil Ready",
				"user:alice@partner-a.com s3am-system/reviewers Ready", "group:reviewers s3am-system/reviewers Ready"}},
		{"everything alice can do, the broken grant too", accessreview.Query{Subjects: []grant.Subject{{Kind: grant.User, Name: "alice@partner-a.com"}}},
			[]string{"user:alice@partner-a.com s3am-system/alice-uploads Ready", "user:alice@partner-a.com s3am-system/broken Invalid",
				"user:alice@partner-a.com s3am-system/evil Ready", "user:alice@partner-a.com s3am-system/reviewers Ready"}},
		{"everything the group can do", accessreview.Query{Subjects: []grant.Subject{{Kind: grant.Group, Name: "reviewers"}}},
			[]string{"group:reviewers s3am-system/reviewers Ready"}},
		{"another connection", accessreview.Query{Connection: "test", Bucket: "partner-data"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := accessreview.Select(sampleEntries(), tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(rows); strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

func TestSelectRefusesHostileQueries(t *testing.T) {
	for name, q := range map[string]accessreview.Query{
		"bad bucket":           {Bucket: "Partner_Data"},
		"path without bucket":  {Path: "a/"},
		"dot segment":          {Bucket: "data", Path: "a/../b/"},
		"double slash":         {Bucket: "data", Path: "a//"},
		"encoded slash":        {Bucket: "data", Path: "a%2fb/"},
		"control character":    {Bucket: "data", Path: "a/\x00/"},
		"too long":             {Bucket: "data", Path: strings.Repeat("a/", 513)},
		"unknown permission":   {Permission: 3},
		"subject kind":         {Subjects: []grant.Subject{{Kind: "Robot", Name: "r"}}},
		"subject empty":        {Subjects: []grant.Subject{{Kind: grant.User}}},
		"subject control char": {Subjects: []grant.Subject{{Kind: grant.User, Name: "a\nb"}}},
		"subject too long":     {Subjects: []grant.Subject{{Kind: grant.User, Name: strings.Repeat("a", 257)}}},
	} {
		if _, err := accessreview.Select(sampleEntries(), q); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestWriteFormats(t *testing.T) {
	rows, err := accessreview.Select(sampleEntries(), accessreview.Query{})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := accessreview.Write(&b, accessreview.FormatJSON, rows); err != nil {
		t.Fatal(err)
	}
	var decoded []accessreview.Row
	if err := json.Unmarshal(b.Bytes(), &decoded); err != nil || len(decoded) != len(rows) {
		t.Fatalf("json: %v, %d rows of %d", err, len(decoded), len(rows))
	}
	if decoded[len(decoded)-1].ValidUntil == nil || !decoded[len(decoded)-1].ValidUntil.Equal(until) {
		t.Errorf("validUntil lost: %+v", decoded[len(decoded)-1])
	}

	b.Reset()
	if err := accessreview.Write(&b, accessreview.FormatJSONL, rows); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(b.String(), "\n"); n != len(rows) {
		t.Errorf("jsonl: %d lines for %d rows", n, len(rows))
	}

	b.Reset()
	if err := accessreview.Write(&b, accessreview.FormatCSV, rows); err != nil {
		t.Fatal(err)
	}
	csv := b.String()
	if !strings.HasPrefix(csv, strings.Join(accessreview.CSVHeader, ",")+"\n") {
		t.Errorf("csv header: %q", csv[:80])
	}
	if !strings.Contains(csv, "User,'=auditor,") {
		t.Errorf("a formula-like subject is not neutralized:\n%s", csv)
	}
	if !strings.Contains(csv, "partner-a/,read,,2026-12-31T00:00:00Z,Ready,true") {
		t.Errorf("csv row of the reviewers grant:\n%s", csv)
	}

	b.Reset()
	if err := accessreview.Write(&b, accessreview.FormatText, nil); err != nil || b.String() != "no grants match\n" {
		t.Errorf("empty text: %q, %v", b.String(), err)
	}
	b.Reset()
	if err := accessreview.Write(&b, accessreview.FormatJSON, nil); err != nil || b.String() != "[]\n" {
		t.Errorf("empty json: %q, %v", b.String(), err)
	}
}
