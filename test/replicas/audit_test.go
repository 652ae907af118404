//go:build unix

package replicas_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/s3am/s3-access-manager/internal/audit"
	"github.com/s3am/s3-access-manager/internal/audit/postgres"
	"github.com/s3am/s3-access-manager/internal/testenv/poll"
)

// admin reads the audit trail.
var admin = person{user: "admin@example.com", groups: adminGroup}

// auditRequests is how many requests the servers record together.
const auditRequests = 10_000

// testSharedAuditStore sends 10,000 requests, half to each server, and
// reads every event back through either server; each writer's chain
// verifies. Then PostgreSQL stops: both servers refuse requests (503, no
// presigned URL) rather than serve them unrecorded, and serve again when it
// is back, without a restart.
func testSharedAuditStore(t *testing.T, c *cluster, servers []*server) {
	load := person{user: "load@partner-a.com"}
	began := time.Now()
	codes := sendConcurrently(t, servers, load, auditRequests, 8)
	if codes[http.StatusOK] != auditRequests {
		t.Fatalf("statuses of %d requests: %v, want all 200", auditRequests, codes)
	}
	t.Logf("%d requests through 2 servers, 16 workers: %s", auditRequests, time.Since(began))

	var perServer [2][]audit.Event
	for i, s := range servers {
		perServer[i] = auditEvents(t, s, "user="+url.QueryEscape(load.user))
	}
	if len(perServer[0]) != auditRequests || len(perServer[1]) != auditRequests {
		t.Fatalf("events of %s read through %s / %s: %d / %d, want %d each", load.user, servers[0].name, servers[1].name,
			len(perServer[0]), len(perServer[1]), auditRequests)
	}
	writers := map[string]int{}
	for i, ev := range perServer[0] {
		if ev.Hash != perServer[1][i].Hash {
			t.Fatalf("event %d differs between the servers' answers", i)
		}
		writers[ev.Writer]++
	}
	for _, s := range servers {
		if writers[s.name] != auditRequests/2 {
			t.Errorf("events written by %s: %d, want %d (all writers: %v)", s.name, writers[s.name], auditRequests/2, writers)
		}
	}
	verifyChains(t, c, servers)

	// PostgreSQL goes down: every request is refused, none is served
	// unrecorded, and no presigned URL leaves the servers.
	c.pg.Stop()
	upload := map[string]any{"connection": connection, "bucket": bucket, "key": "partner-a/uploads/outage.pdf", "contentType": "application/pdf", "size": 3}
	for _, s := range servers {
		for range 5 {
			status, body, err := alice.call(s.base, http.MethodPost, "/api/v1/uploads", upload)
			if err != nil || status != http.StatusServiceUnavailable || strings.Contains(string(body), "X-Amz-Signature") {
				t.Fatalf("%s: upload while the audit store is down: %d %v %s, want 503 without a URL", s.name, status, err, body)
			}
		}
	}
	c.pg.StartAgain(t)
	for _, s := range servers {
		took := poll.Until(t, 30*time.Second, s.name+" serves again after PostgreSQL is back", func() bool {
			status, _, _ := alice.call(s.base, http.MethodPost, "/api/v1/uploads", upload)
			return status == http.StatusOK
		})
		t.Logf("%s: PostgreSQL back -> uploads served again in %s", s.name, took)
	}
	verifyChains(t, c, servers)
}

// sendConcurrently sends n GET /api/v1/me as p, alternating between the
// servers, from workers goroutines per server, and counts the statuses.
func sendConcurrently(t *testing.T, servers []*server, p person, n, workers int) map[int]int {
	t.Helper()
	var (
		mu    sync.Mutex
		codes = map[int]int{}
		wg    sync.WaitGroup
	)
	jobs := make(chan string)
	for range servers {
		for range workers {
			wg.Go(func() {
				for base := range jobs {
					status, _, err := p.call(base, http.MethodGet, "/api/v1/me", nil)
					if err != nil {
						status = 0
					}
					mu.Lock()
					codes[status]++
					mu.Unlock()
				}
			})
		}
	}
	for i := range n {
		jobs <- servers[i%len(servers)].base
	}
	close(jobs)
	wg.Wait()
	return codes
}

// auditEvents reads every event matching query from s's admin API, page by
// page, oldest first.
func auditEvents(t *testing.T, s *server, query string) []audit.Event {
	t.Helper()
	var all []audit.Event
	cursor := ""
	for {
		path := fmt.Sprintf("/api/v1/audit/events?limit=%d&%s", audit.MaxPageSize, query)
		if cursor != "" {
			path += "&cursor=" + url.QueryEscape(cursor)
		}
		status, body, err := admin.call(s.base, http.MethodGet, path, nil)
		if err != nil || status != http.StatusOK {
			t.Fatalf("%s %s: %d %v %s", s.name, path, status, err, body)
		}
		var page struct {
			Events []audit.Event `json:"events"`
			Next   string        `json:"next"`
		}
		if err := json.Unmarshal(body, &page); err != nil {
			t.Fatalf("%s %s: %v", s.name, path, err)
		}
		all = append(all, page.Events...)
		if page.Next == "" {
			return all
		}
		cursor = page.Next
	}
}

// verifyChains checks each server's hash chain in the store, read-only.
func verifyChains(t *testing.T, c *cluster, servers []*server) {
	t.Helper()
	ctx := context.Background()
	store, err := postgres.Open(ctx, c.pg.DSN(), postgres.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	for _, s := range servers {
		res, err := store.Verify(ctx, s.name)
		if err != nil {
			t.Fatalf("verify %s: %v", s.name, err)
		}
		if !res.OK() {
			t.Fatalf("chain of %s: %+v", s.name, res)
		}
		t.Logf("chain of %s verifies: %d events", s.name, res.Count)
	}
}
