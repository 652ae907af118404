package e2e_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/s3am/s3-access-manager/internal/audit"
	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/testenv/asuser"
	"github.com/s3am/s3-access-manager/server"
)

// volumeRequest is one request of the audit volume test and the answer it
// must get.
type volumeRequest struct {
	method, path string
	query        url.Values
	body         []byte
	status       int
}

// volumeClient keeps up to 16 connections to the server open, so 10,000
// requests do not each dial.
var volumeClient = &http.Client{Transport: &http.Transport{MaxIdleConns: 32, MaxIdleConnsPerHost: 32}}

// doVolume sends r as alice and checks its status; it reports rather than
// fails so that worker goroutines may call it.
func doVolume(base string, r volumeRequest) error {
	u := base + r.path
	if r.query != nil {
		u += "?" + r.query.Encode()
	}
	req, err := asuser.Person{User: alice}.Request(r.method, u, r.body)
	if err != nil {
		return err
	}
	req.Header.Set("User-Agent", "s3am-e2e")
	status, data, err := asuser.Do(volumeClient, req)
	if err != nil {
		return err
	}
	if status != r.status {
		return fmt.Errorf("%s %s: %d %s, want %d", r.method, r.path, status, data, r.status)
	}
	return nil
}

// TestAuditVolume: 10,000 concurrent requests, half allowed and half
// blocked, leave exactly 10,000 events, each once; the hash chain over them
// verifies, and an edited row breaks it where it was edited.
func TestAuditVolume(t *testing.T) {
	const (
		total   = 10000
		workers = 16
	)
	st := startStackWith(t, "e2e-audit-volume")
	defer st.closer()
	const folder = "partner-a/volume/"
	grantSpec{conn: st.conn, name: "alice-volume", prefix: folder, perms: []string{"write", "list"}, maxObjectSize: "1Mi"}.
		apply(t, folder+"probe", grant.Write)

	mustJSON := func(v any) []byte {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	kinds := []func(i int) volumeRequest{
		func(i int) volumeRequest { // allowed: a presigned PUT
			return volumeRequest{http.MethodPost, "/api/v1/uploads", nil, mustJSON(map[string]any{
				"connection": st.conn, "bucket": bucket, "key": fmt.Sprintf("%sf-%05d.txt", folder, i), "contentType": "text/plain", "size": 10,
			}), http.StatusOK}
		},
		func(i int) volumeRequest { // blocked: another partner's folder
			return volumeRequest{http.MethodPost, "/api/v1/uploads", nil, mustJSON(map[string]any{
				"connection": st.conn, "bucket": bucket, "key": fmt.Sprintf("partner-b/uploads/f-%05d.txt", i), "contentType": "text/plain", "size": 10,
			}), http.StatusForbidden}
		},
		func(int) volumeRequest { // allowed: who am I
			return volumeRequest{http.MethodGet, "/api/v1/me", nil, nil, http.StatusOK}
		},
		func(int) volumeRequest { // blocked: listing another partner
			return volumeRequest{http.MethodGet, "/api/v1/list", url.Values{"connection": {st.conn}, "bucket": {bucket}, "prefix": {"partner-b/"}}, nil, http.StatusForbidden}
		},
	}

	var (
		next     atomic.Int64
		wg       sync.WaitGroup
		mu       sync.Mutex
		failures []error
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= total {
					return
				}
				if err := doVolume(st.url, kinds[i%len(kinds)](i)); err != nil {
					mu.Lock()
					failures = append(failures, err)
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	if len(failures) > 0 {
		t.Fatalf("%d of %d requests failed; first: %v", len(failures), total, failures[0])
	}

	ctx := context.Background()
	res, err := st.store.Verify(ctx, "e2e")
	if err != nil || !res.OK() || res.Count != total || res.LastSeq != total {
		t.Fatalf("chain after %d requests: %+v (break %v), %v", total, res, res.Break, err)
	}

	// Count through the admin API, page by page along the cursor.
	auditor := caller{t: t, base: st.url, user: admin, groups: adminGroup}
	var (
		pages      int
		byDecision = map[audit.Decision]int{}
		byAction   = map[string]int{}
		requestIDs = map[string]bool{}
	)
	q := url.Values{"user": {alice}, "limit": {fmt.Sprint(audit.MaxPageSize)}}
	for {
		r := auditor.do(http.MethodGet, "/api/v1/audit/events", q, nil)
		if r.status != http.StatusOK {
			t.Fatalf("audit page %d: %d %s", pages, r.status, r.body)
		}
		var page server.AuditEventsResponse
		r.decode(t, &page)
		pages++
		for _, e := range page.Events {
			if requestIDs[e.RequestID] {
				t.Fatalf("request %s has two events", e.RequestID)
			}
			requestIDs[e.RequestID] = true
			byDecision[e.Decision]++
			byAction[e.Action]++
		}
		if page.Next == "" {
			break
		}
		if pages > total/audit.MaxPageSize+1 {
			t.Fatalf("the cursor never ends: %d pages", pages)
		}
		q.Set("cursor", page.Next)
	}
	if len(requestIDs) != total || byDecision[audit.DecisionAllowed] != total/2 || byDecision[audit.DecisionBlocked] != total/2 {
		t.Fatalf("%d events of alice in %d pages (%v, %v), want %d: half allowed, half blocked", len(requestIDs), pages, byDecision, byAction, total)
	}
	if byAction[audit.ActionUpload] != total/2 || byAction[audit.ActionMe] != total/4 || byAction[audit.ActionList] != total/4 {
		t.Fatalf("events by action: %v", byAction)
	}
	// The auditor's own queries are audited too, on the same chain.
	if res, err := st.store.Verify(ctx, "e2e"); err != nil || !res.OK() || res.Count != int64(total+pages) {
		t.Fatalf("chain after %d audit queries: %+v, %v", pages, res, err)
	}

	// An intruder with the database file drops the append-only trigger and
	// turns one blocked attempt into an allowed one.
	db, err := sql.Open("sqlite", st.storePath+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var tampered int64
	if err := db.QueryRow(`SELECT seq FROM audit_events WHERE writer = 'e2e' AND decision = 'blocked' AND seq > 4000 ORDER BY seq LIMIT 1`).Scan(&tampered); err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		`DROP TRIGGER audit_events_no_update`,
		fmt.Sprintf(`UPDATE audit_events SET decision = 'allowed' WHERE writer = 'e2e' AND seq = %d`, tampered),
	} {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	res, err = st.store.Verify(ctx, "e2e")
	if err != nil {
		t.Fatal(err)
	}
	if res.OK() || res.Break.Seq != tampered || res.Break.Kind != audit.BreakHash || res.LastSeq != tampered-1 {
		t.Fatalf("tampered seq %d: verify = %+v (break %v)", tampered, res, res.Break)
	}
}
