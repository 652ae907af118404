//go:build linux

package e2e_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/s3am/s3-access-manager/internal/audit"
	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/objects"
)

// TestHungStorageAnswers504 stops MinIO (SIGSTOP: connections are accepted
// and never answered): a listing answers 504 with a clear message once the
// S3 call timeout (the default, 30s) runs out, instead of hanging for as
// long as MinIO is stopped, and is recorded as exactly one event. MinIO
// continues after 75s whatever happens, so that a server without deadlines
// fails this test rather than hanging it.
func TestHungStorageAnswers504(t *testing.T) {
	st := startStackWith(t, "partner-data-hung")
	t.Cleanup(st.closer)
	al := caller{t: t, base: st.url, user: alice}
	const prefix = "partner-a/uploads/"
	q := url.Values{"connection": {st.conn}, "bucket": {bucket}, "prefix": {prefix}}
	applyGrant(t, st.conn, "alice-lists", prefix, []string{"list"}, prefix+"x", grant.List)
	if r := al.do(http.MethodGet, "/api/v1/list", q, nil); r.status != http.StatusOK {
		t.Fatalf("list before the hang = %d %s", r.status, r.body)
	}
	before := len(st.eventsOf(t, alice))

	st.minio.Pause(t)
	time.AfterFunc(75*time.Second, st.minio.Resume)
	start := time.Now()
	r := al.do(http.MethodGet, "/api/v1/list", q, nil)
	took := time.Since(start)
	st.minio.Resume()
	t.Logf("answered %d after %s: %s", r.status, took.Round(time.Millisecond), r.body)
	if r.status != http.StatusGatewayTimeout || r.errorBody(t).Reason != string(objects.KindTimeout) {
		t.Fatalf("list with MinIO stopped = %d %s after %s, want 504 Timeout", r.status, r.body, took)
	}
	if took > time.Minute {
		t.Errorf("the 504 took %s; the deadline is 30s", took)
	}
	events := st.eventsOf(t, alice)
	if len(events) != before+1 {
		t.Fatalf("%d events for the hung listing, want exactly 1", len(events)-before)
	}
	if e := events[len(events)-1]; e.Action != audit.ActionList || e.Decision != audit.DecisionAllowed || e.Outcome != audit.OutcomeFailure {
		t.Errorf("event %+v: want an allowed listing that failed", e)
	}
	if r := al.do(http.MethodGet, "/api/v1/list", q, nil); r.status != http.StatusOK {
		t.Fatalf("list after MinIO continued = %d %s", r.status, r.body)
	}
}
