package server_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/s3am/s3-access-manager/internal/audit"
	"github.com/s3am/s3-access-manager/internal/audit/sqlite"
	"github.com/s3am/s3-access-manager/internal/authz"
	"github.com/s3am/s3-access-manager/internal/objects"
	"github.com/s3am/s3-access-manager/server"
	"github.com/s3am/s3-access-manager/server/auth"
)

const proxyAdminGroup = "s3am-admins"

// proxyStack is the server behind a trusted proxy on loopback, with the
// SQLite audit store answering the admin audit API and source (nil: none)
// answering the access review.
func proxyStack(t *testing.T, source server.AccessReviewSource) (string, *sqlite.Store) {
	t.Helper()
	ctx := context.Background()
	store, err := sqlite.Open(ctx, t.TempDir()+"/audit.db", sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rec, err := audit.NewRecorder(audit.Options{Writer: "proxy-test", JSON: io.Discard, Store: store})
	if err != nil {
		t.Fatal(err)
	}
	proxy, err := auth.NewProxy(auth.ProxyConfig{TrustedCIDRs: []string{"127.0.0.1/32", "::1/128"}})
	if err != nil {
		t.Fatal(err)
	}
	e, err := server.New(server.Options{
		Index:   authz.New(),
		Objects: func(context.Context, string) (*objects.Service, error) { return nil, io.ErrUnexpectedEOF },
		Auth:    auth.Chain{proxy}, Audit: rec, AuditStore: store, AdminGroup: proxyAdminGroup, AccessReview: source,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(e)
	t.Cleanup(func() {
		hs.Close()
		if err := rec.Close(context.Background()); err != nil {
			t.Error(err)
		}
		_ = store.Close()
	})
	return hs.URL, store
}

// TestProxyHeaderSmuggling holds issue 11 item 2: identity headers of a
// family the server does not read, passed through the trusted proxy by a
// client, neither add groups nor change the user; the request is refused
// with 401 and recorded as exactly one blocked attempt.
func TestProxyHeaderSmuggling(t *testing.T) {
	base, store := proxyStack(t, nil)

	resp, body := getWithHeaders(t, base+"/api/v1/audit/events", map[string]string{
		"X-Forwarded-Email": "auditor@s3am.example", "X-Forwarded-Groups": proxyAdminGroup,
	})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("the admin through the configured headers: %d %s", resp.StatusCode, body)
	}

	for _, c := range []struct {
		name, path string
		headers    map[string]string
		smuggled   string
	}{
		{"a group from another family makes alice an admin", "/api/v1/audit/events",
			map[string]string{"X-Forwarded-Email": "alice@partner-a.com", "X-Auth-Request-Groups": proxyAdminGroup}, "X-Auth-Request-Groups"},
		{"an email from another family makes alice bob", "/api/v1/me",
			map[string]string{"X-Forwarded-User": "alice", "X-Auth-Request-Email": "bob@partner-b.com"}, "X-Auth-Request-Email"},
		{"the Kubernetes front proxy's group header", "/api/v1/audit/events",
			map[string]string{"X-Forwarded-Email": "alice@partner-a.com", "X-Remote-Group": proxyAdminGroup}, "X-Remote-Group"},
		{"a smuggled header alone", "/api/v1/me",
			map[string]string{"X-Auth-Request-Email": "bob@partner-b.com"}, "X-Auth-Request-Email"},
	} {
		t.Run(c.name, func(t *testing.T) {
			resp, body := getWithHeaders(t, base+c.path, c.headers)
			if resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("%s: %d %s, want 401", c.path, resp.StatusCode, body)
			}
			var eb server.ErrorBody
			if err := json.Unmarshal([]byte(body), &eb); err != nil || eb.Reason != auth.ReasonUnexpectedIdentityHeader || !strings.Contains(eb.Error, c.smuggled) {
				t.Fatalf("body %s: want reason %s naming %s", body, auth.ReasonUnexpectedIdentityHeader, c.smuggled)
			}
			if resp.Header.Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
			mine := eventsOf(t, store, resp, audit.Filter{Action: "authenticate"})
			if len(mine) != 1 {
				t.Fatalf("%d audit events for the refused request, want 1", len(mine))
			}
			ev := mine[0]
			if ev.Decision != audit.DecisionBlocked || ev.Outcome != audit.OutcomeFailure || ev.Reason != auth.ReasonUnexpectedIdentityHeader ||
				ev.User != "" || len(ev.Groups) != 0 || !strings.Contains(ev.Error, c.smuggled) {
				t.Fatalf("audit event %+v", ev)
			}
		})
	}

	all, err := store.Query(context.Background(), audit.Filter{Limit: audit.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range all.Events {
		if ev.Action != audit.ActionAuditQuery && ev.Action != "authenticate" || ev.User == "alice@partner-a.com" || ev.User == "bob@partner-b.com" {
			t.Errorf("an attempt was served for a smuggled identity: %+v", ev)
		}
	}
	if len(all.Events) != 5 {
		t.Errorf("%d audit events, want 5: the admin's query and one per refused request", len(all.Events))
	}
}
