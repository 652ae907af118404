package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/s3am/s3-access-manager/internal/accessreview"
	"github.com/s3am/s3-access-manager/internal/audit"
	"github.com/s3am/s3-access-manager/internal/audit/sqlite"
	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/server"
)

var (
	reviewAdmin = map[string]string{"X-Forwarded-Email": "auditor@s3am.example", "X-Forwarded-Groups": proxyAdminGroup}
	reviewAlice = map[string]string{"X-Forwarded-Email": "alice@partner-a.com"}
)

func reviewEntries() []accessreview.Entry {
	alice := grant.Subject{Kind: grant.User, Name: "alice@partner-a.com"}
	return []accessreview.Entry{
		{Grant: grant.Grant{Namespace: "s3am-system", Name: "alice-uploads", Connection: "prod", Bucket: "partner-data",
			Prefix: "partner-a/uploads/", Subjects: []grant.Subject{alice}, Permissions: grant.NewPermissions(grant.Write, grant.List)},
			InEffect: true, Status: accessreview.StatusReady},
		{Grant: grant.Grant{Namespace: "s3am-system", Name: "reviewers", Connection: "prod", Bucket: "partner-data",
			Prefix: "partner-a/", Subjects: []grant.Subject{{Kind: grant.Group, Name: "=reviewers"}}, Permissions: grant.NewPermissions(grant.Read)},
			Status: "Expired", Message: "grant expired"},
	}
}

// eventsOf returns the audit events of the request that got resp, among
// those f (with its Limit set here) selects.
func eventsOf(t *testing.T, store *sqlite.Store, resp *http.Response, f audit.Filter) []audit.Event {
	t.Helper()
	f.Limit = audit.MaxPageSize
	page, err := store.Query(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	var mine []audit.Event
	for _, ev := range page.Events {
		if ev.RequestID == resp.Header.Get("X-Request-Id") {
			mine = append(mine, ev)
		}
	}
	return mine
}

func TestAccessReviewAPI(t *testing.T) {
	base, store := proxyStack(t, func(context.Context) ([]accessreview.Entry, error) { return reviewEntries(), nil })
	get := func(query string, h map[string]string) (*http.Response, string, audit.Event) {
		t.Helper()
		resp, body := getWithHeaders(t, base+"/api/v1/access/grants"+query, h)
		evs := eventsOf(t, store, resp, audit.Filter{})
		if len(evs) != 1 {
			t.Fatalf("%s: %d audit events, want exactly 1", query, len(evs))
		}
		if evs[0].Action != server.ActionAccessReview {
			t.Errorf("%s: action %q", query, evs[0].Action)
		}
		return resp, body, evs[0]
	}

	resp, body, ev := get("?bucket=partner-data&prefix=partner-a/uploads/2024/&permission=write", reviewAdmin)
	var got server.AccessGrantsResponse
	if resp.StatusCode != http.StatusOK || json.Unmarshal([]byte(body), &got) != nil || len(got.Rows) != 1 || got.Rows[0].Name != "alice-uploads" {
		t.Fatalf("who can write: %d %s", resp.StatusCode, body)
	}
	if ev.Decision != audit.DecisionAllowed || ev.Bucket != "partner-data" || ev.Key != "partner-a/uploads/2024/" {
		t.Errorf("event %+v", ev)
	}

	_, body, _ = get("?group=%3Dreviewers", reviewAdmin)
	if !strings.Contains(body, `"status":"Expired"`) || strings.Contains(body, "alice") {
		t.Errorf("everything the group can do: %s", body)
	}

	resp, body, _ = get("?format=csv", reviewAdmin)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(resp.Header.Get("Content-Disposition"), `filename="grants.csv"`) ||
		strings.Count(body, "\n") != 3 || !strings.Contains(body, "Group,'=reviewers,") {
		t.Errorf("csv export: %d %v\n%s", resp.StatusCode, resp.Header, body)
	}
	resp, body, _ = get("?format=jsonl&inEffect=true", reviewAdmin)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/x-ndjson" || strings.Count(body, "\n") != 1 {
		t.Errorf("jsonl export of grants in effect: %d\n%s", resp.StatusCode, body)
	}

	resp, body, ev = get("?bucket=partner-data", reviewAlice)
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, server.ReasonNotAdmin) || ev.Decision != audit.DecisionBlocked {
		t.Errorf("a non-admin: %d %s", resp.StatusCode, body)
	}
}

// TestAccessReviewHostileInputs: every refused query gets a 400 that says
// what was wrong, and exactly one audit event, blocked.
func TestAccessReviewHostileInputs(t *testing.T) {
	base, store := proxyStack(t, func(context.Context) ([]accessreview.Entry, error) { return reviewEntries(), nil })
	for _, c := range []struct{ name, query, says string }{
		{"traversal", "bucket=partner-data&prefix=partner-a/uploads/../../partner-b/", "relative paths"},
		{"encoded traversal", "bucket=partner-data&prefix=" + url.QueryEscape("partner-a/%2e%2e/"), "percent-encoded"},
		{"double slash", "bucket=partner-data&prefix=partner-a//", "empty segment"},
		{"leading slash", "bucket=partner-data&prefix=/partner-a/", "starts with"},
		{"NUL", "bucket=partner-data&prefix=" + url.QueryEscape("a\x00/"), "control character"},
		{"invalid UTF-8", "bucket=partner-data&prefix=%ff/", "UTF-8"},
		{"key too long", "bucket=partner-data&prefix=" + strings.Repeat("a", 1025), "bytes"},
		{"prefix without bucket", "prefix=partner-a/", "give the bucket"},
		{"bad bucket", "bucket=Partner_Data", "bucket"},
		{"bucket as IP", "bucket=192.168.1.1", "IP"},
		{"bad connection", "connection=" + url.QueryEscape("../etc"), "not an S3Connection name"},
		{"unknown permission", "permission=admin", "read, write, list or delete"},
		{"repeated prefix", "bucket=partner-data&prefix=a/&prefix=b/", "at most once"},
		{"subject with newline", "user=" + url.QueryEscape("alice\nadmin"), "control character"},
		{"subject too long", "group=" + strings.Repeat("g", 300), "at most 256"},
		{"subject with spaces", "user=" + url.QueryEscape(" alice"), "surrounding spaces"},
		{"inEffect", "inEffect=yes", "true or false"},
		{"format", "format=xlsx", "json, csv or jsonl"},
	} {
		t.Run(c.name, func(t *testing.T) {
			resp, body := getWithHeaders(t, base+"/api/v1/access/grants?"+c.query, reviewAdmin)
			var eb server.ErrorBody
			if resp.StatusCode != http.StatusBadRequest || json.Unmarshal([]byte(body), &eb) != nil || !strings.Contains(eb.Error, c.says) {
				t.Errorf("%d %s; want 400 saying %q", resp.StatusCode, body, c.says)
			}
			evs := eventsOf(t, store, resp, audit.Filter{})
			if len(evs) != 1 || evs[0].Decision != audit.DecisionBlocked || evs[0].Action != server.ActionAccessReview || evs[0].Error == "" {
				t.Errorf("audit events %+v, want exactly one, blocked", evs)
			}
		})
	}
}

func TestAccessReviewUnavailable(t *testing.T) {
	base, store := proxyStack(t, func(context.Context) ([]accessreview.Entry, error) { return nil, errors.New("cache not synced") })
	resp, body := getWithHeaders(t, base+"/api/v1/access/grants", reviewAdmin)
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, server.ReasonGrantsUnavailable) || strings.Contains(body, "cache") {
		t.Errorf("%d %s", resp.StatusCode, body)
	}
	if evs := eventsOf(t, store, resp, audit.Filter{}); len(evs) != 1 || evs[0].Outcome != audit.OutcomeFailure {
		t.Errorf("events %+v", evs)
	}

	base, store = proxyStack(t, nil)
	resp, _ = getWithHeaders(t, base+"/api/v1/access/grants", reviewAdmin)
	if resp.StatusCode != http.StatusNotFound || len(eventsOf(t, store, resp, audit.Filter{})) != 1 {
		t.Errorf("without a source: %d", resp.StatusCode)
	}
}
