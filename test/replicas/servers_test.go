//go:build unix

package replicas_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/s3am/s3-access-manager/internal/testenv/poll"
	apiprobe "github.com/s3am/s3-access-manager/internal/testenv/probe"
)

// The people of the scenario. dave's access comes from his group only.
var (
	alice   = person{user: "alice@partner-a.com"}
	bob     = person{user: "bob@partner-a.com"}
	dave    = person{user: "dave@partner-b.com", groups: "partner-b-team"}
	mallory = person{user: "mallory@elsewhere.example"}
	carol   = person{user: "carol@partner-c.com"}
)

// propagationLimit is how soon a grant change must show on every server.
const propagationLimit = time.Second

// applyBaseline applies the grants the decision matrix runs against and
// waits until the leader has made them Ready and both servers show them.
func applyBaseline(t *testing.T, c *cluster, servers []*server) {
	t.Helper()
	c.env.MustKubectl(t, strings.Join([]string{
		grantYAML("alice", "partner-a/uploads/", []string{"read", "write", "list"}, subject{"User", alice.user}),
		grantYAML("bob", "partner-a/processed/", []string{"read"}, subject{"User", bob.user}),
		grantYAML("partner-b-team", "partner-b/", []string{"read", "list"}, subject{"Group", "partner-b-team"}),
	}, "---\n"), "apply", "-f", "-")
	for _, s := range servers {
		poll.Until(t, 60*time.Second, "baseline grants on "+s.name, func() bool {
			return hasRoot(s.base, alice, "partner-a/uploads/") && hasRoot(s.base, bob, "partner-a/processed/") && hasRoot(s.base, dave, "partner-b/")
		})
	}
}

// hasRoot reports whether /api/v1/me of the server lists prefix for p.
func hasRoot(base string, p person, prefix string) bool {
	status, body, err := p.call(base, http.MethodGet, "/api/v1/me", nil)
	if err != nil || status != http.StatusOK {
		return false
	}
	return apiprobe.HasRoot(body, prefix)
}

// race measures, from start, how long each condition takes to hold,
// polling each on its own goroutine every interval; -1 if it did not within
// timeout.
func race(start time.Time, timeout, interval time.Duration, conds ...func() bool) []time.Duration {
	took := make([]time.Duration, len(conds))
	var wg sync.WaitGroup
	for i, cond := range conds {
		wg.Go(func() {
			for !cond() {
				if time.Since(start) > timeout {
					took[i] = -1
					return
				}
				time.Sleep(interval)
			}
			took[i] = time.Since(start)
		})
	}
	wg.Wait()
	return took
}

// testGrantPropagation applies and deletes carol's grant a few times and
// measures, from kubectl's return, when each server's /api/v1/me shows it
// and stops showing it.
func testGrantPropagation(t *testing.T, c *cluster, servers []*server) {
	const rounds = 3
	shows := func(s *server, want bool) func() bool {
		return func() bool { return hasRoot(s.base, carol, "partner-c/inbox/") == want }
	}
	for round := range rounds {
		c.env.MustKubectl(t, grantYAML("carol", "partner-c/inbox/", []string{"write", "list"}, subject{"User", carol.user}), "apply", "-f", "-")
		took := race(time.Now(), 30*time.Second, 2*time.Millisecond, shows(servers[0], true), shows(servers[1], true), func() bool { return apiprobe.GrantReady(c.env.Client, namespace, "carol") })
		t.Logf("round %d: apply -> Ready %s; -> /api/v1/me shows it on %s %s, on %s %s",
			round+1, took[2], servers[0].name, took[0], servers[1].name, took[1])
		checkPropagation(t, "apply", servers, took[:2])

		c.env.MustKubectl(t, "", "-n", namespace, "delete", "prefixgrant", "carol", "--wait=false")
		took = race(time.Now(), 30*time.Second, 2*time.Millisecond, shows(servers[0], false), shows(servers[1], false))
		t.Logf("round %d: delete -> gone from /api/v1/me on %s %s, on %s %s",
			round+1, servers[0].name, took[0], servers[1].name, took[1])
		checkPropagation(t, "delete", servers, took)
	}
}

func checkPropagation(t *testing.T, what string, servers []*server, took []time.Duration) {
	t.Helper()
	for i, d := range took {
		if d < 0 || d > propagationLimit {
			t.Errorf("%s of a grant reached %s after %s, want within %s", what, servers[i].name, d, propagationLimit)
		}
	}
}

// probe is one request of the decision matrix and whether the grants
// allow it.
type probe struct {
	who          person
	method, path string
	body         any
	allow        bool
}

func (p probe) String() string {
	b, _ := json.Marshal(p.body)
	return fmt.Sprintf("%s %s %s %s", p.who.user, p.method, p.path, b)
}

// allowed is what the baseline grants allow, as "user action key": alice
// writes, reads and lists partner-a/uploads/, bob reads partner-a/processed/,
// dave's group reads and lists partner-b/; listing a parent of a listable
// grant shows the breadcrumb to it.
var allowed = map[string]bool{
	alice.user + " upload partner-a/uploads/new.txt":         true,
	alice.user + " download partner-a/uploads/2024/scan.png": true,
	alice.user + " list partner-a/uploads/":                  true,
	alice.user + " list partner-a/":                          true,
	alice.user + " list ":                                    true,
	bob.user + " download partner-a/processed/report.pdf":    true,
	dave.user + " download partner-b/uploads/existing.pdf":   true,
	dave.user + " list partner-b/":                           true,
	dave.user + " list ":                                     true,
}

// decisionMatrix is every person's /api/v1/me and upload, download and list requests over
// keys inside a grant, in a sibling prefix, traversing out of one, in
// another partner's area and at the bucket's root.
func decisionMatrix() []probe {
	uploads := []string{"partner-a/uploads/new.txt", "partner-a/uploads-evil/x.txt", "partner-a/uploads/../secret/x.txt",
		"partner-b/uploads/new.txt", "partner-a/processed/new.pdf", "root-new.txt"}
	downloads := []string{"partner-a/uploads/2024/scan.png", "partner-a/uploads-evil/planted.txt", "partner-a/uploads/../secret/plans.txt",
		"partner-b/uploads/existing.pdf", "partner-a/processed/report.pdf", "root.txt"}
	lists := []string{"partner-a/uploads/", "partner-a/uploads-evil/", "partner-a/uploads/../secret/", "partner-b/", "partner-a/", ""}
	var out []probe
	for _, who := range []person{alice, bob, dave, mallory} {
		out = append(out, probe{who, http.MethodGet, "/api/v1/me", nil, true})
		for _, key := range uploads {
			out = append(out, probe{who, http.MethodPost, "/api/v1/uploads",
				map[string]any{"connection": connection, "bucket": bucket, "key": key, "contentType": "text/plain", "size": 5},
				allowed[who.user+" upload "+key]})
		}
		for _, key := range downloads {
			out = append(out, probe{who, http.MethodPost, "/api/v1/downloads",
				map[string]any{"connection": connection, "bucket": bucket, "key": key}, allowed[who.user+" download "+key]})
		}
		for _, prefix := range lists {
			q := url.Values{"connection": {connection}, "bucket": {bucket}, "prefix": {prefix}}
			out = append(out, probe{who, http.MethodGet, "/api/v1/list?" + q.Encode(), nil, allowed[who.user+" list "+prefix]})
		}
	}
	return out
}

// decide sends pr to a server and describes what it decided: the status
// and reason of a refusal; for an allowed download the object it leads
// to; for /api/v1/me and an allowed listing the answer itself.
func decide(t *testing.T, base string, pr probe) string {
	t.Helper()
	status, body, err := pr.who.call(base, pr.method, pr.path, pr.body)
	if err != nil {
		t.Fatalf("%s: %v", pr, err)
	}
	if status >= 300 {
		var e struct {
			Reason string `json:"reason"`
		}
		_ = json.Unmarshal(body, &e)
		return fmt.Sprintf("%d refused %s", status, e.Reason)
	}
	switch pr.path {
	case "/api/v1/downloads":
		var d struct {
			Download struct {
				Method string `json:"method"`
				URL    string `json:"url"`
			} `json:"download"`
		}
		if err := json.Unmarshal(body, &d); err != nil {
			t.Fatalf("%s: %v: %s", pr, err, body)
		}
		return fmt.Sprintf("%d allowed %s %s", status, d.Download.Method, fetch(t, d.Download.URL))
	case "/api/v1/uploads":
		var u struct {
			Upload struct {
				Method string `json:"method"`
			} `json:"upload"`
		}
		if err := json.Unmarshal(body, &u); err != nil {
			t.Fatalf("%s: %v: %s", pr, err, body)
		}
		return fmt.Sprintf("%d allowed %s", status, u.Upload.Method)
	}
	return fmt.Sprintf("%d allowed %s", status, body)
}

// fetch is the body of a presigned GET.
func fetch(t *testing.T, u string) string {
	t.Helper()
	resp, err := httpClient.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return fmt.Sprintf("%d %q", resp.StatusCode, b)
}

// testSameDecisions sends the decision matrix to both servers and requires
// the same answer from each, and the answer the grants call for.
func testSameDecisions(t *testing.T, servers []*server) {
	matrix := decisionMatrix()
	outcomes := map[string]int{}
	for _, pr := range matrix {
		a, b := decide(t, servers[0].base, pr), decide(t, servers[1].base, pr)
		if a != b {
			t.Errorf("%s:\n  %s: %s\n  %s: %s", pr, servers[0].name, a, servers[1].name, b)
		}
		if got := strings.Contains(a, " allowed "); got != pr.allow {
			t.Errorf("%s: %.200s, want allowed=%v", pr, a, pr.allow)
		}
		outcome, _, _ := strings.Cut(a, " {")
		if strings.Contains(a, " allowed ") {
			outcome = strings.Fields(a)[0] + " allowed"
		}
		outcomes[outcome]++
	}
	t.Logf("%d requests to each server, identical answers: %v", len(matrix), outcomes)
}
