//go:build linux

package faults_test

import (
	"fmt"
	"github.com/s3am/s3-access-manager/internal/testenv/poll"
	"github.com/s3am/s3-access-manager/internal/testenv/repo"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// workers is how many users load the target at once.
const workers = 4

// result is what one fault did.
type result struct {
	name string
	// byStatus counts the load's answers by status (0: no answer).
	byStatus map[int]int
	// maxLatency is the longest time an answer took, and which request.
	maxLatency time.Duration
	slowest    string
	// answered counts the answers that must be recorded; withEvents those
	// that are, as promised.
	answered, withEvents int
	// events counts the events stored for the fault's users.
	events int
	// problems are answers not recorded as promised, one line each.
	problems []string
	// storedRefused counts refusals for want of the audit store whose
	// event was stored all the same (the store recovered in time).
	storedRefused int
	// unanswered counts events of requests that got no answer (in flight
	// when the server was killed, or given up on).
	unanswered int
	// urlsDuringFault counts answers with a presigned URL to requests sent
	// while the fault lasted; refusedDuringFault those that were refused.
	urlsDuringFault, answeredDuringFault, refusedDuringFault int
	// urlsWithoutEvent counts presigned URLs whose request has no event.
	urlsWithoutEvent int
	chainOK          bool
	chain            string
	recovery         time.Duration
	note             string
}

// runFault puts the load on the fault's target, injects the fault, clears
// it, waits until the server serves again, and tallies what happened.
func runFault(t *testing.T, s *stack, f fault, n int) result {
	srv := f.target(s)
	phase := fmt.Sprintf("f%d", n+1)
	rec := &answers{}
	var users []user
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range workers {
		u := user{name: fmt.Sprintf("%s-u%d@load.example", phase, w+1), groups: loadGroup}
		users = append(users, u)
		wg.Go(func() {
			caller{base: srv.base, who: u, rec: rec}.work(fmt.Sprintf("%s%s/u%d/", loadRoot, phase, w+1), stop)
		})
	}
	probe := user{name: phase + "-probe@load.example", groups: loadGroup}
	users = append(users, probe)

	stopLoad := sync.OnceFunc(func() { close(stop); wg.Wait() })
	defer stopLoad()

	time.Sleep(warmUp)
	f.inject(t, s)
	injected := time.Now()
	// Should the test end before the fault is cleared, clear it so that
	// the next fault starts from a working stack.
	var clearing sync.Once
	defer clearing.Do(func() { f.clear(t, s) })
	time.Sleep(f.hold)
	cleared := time.Now()
	clearing.Do(func() { f.clear(t, s) })
	// Recovered: a listing, which needs the index, S3 and the audit store,
	// answers 200 again.
	pc := caller{base: srv.base, who: probe, rec: rec}
	q := url.Values{"connection": {connection}, "bucket": {bucket}, "prefix": {loadRoot + phase + "/"}}
	poll.Until(t, 60*time.Second, srv.writer+" serves again", func() bool {
		status, _ := pc.call("probe", http.MethodGet, "/api/v1/list?"+q.Encode(), nil)
		return status == http.StatusOK
	})
	// From the moment the fault ended (the restart began, for a kill).
	recovery := time.Since(cleared)
	time.Sleep(cooldown)
	stopLoad()

	r := result{name: f.name, byStatus: map[int]int{}, recovery: recovery}
	if f.after != nil {
		r.note = f.after(t, s, phase)
	}
	all := rec.list()
	store := s.openStore(t, srv)
	events := eventsOf(t, store, users)
	answeredIDs := map[string]bool{}
	for _, a := range all {
		r.byStatus[a.status]++
		if a.status == 0 {
			continue
		}
		answeredIDs[a.requestID] = true
		if a.took > r.maxLatency {
			r.maxLatency, r.slowest = a.took, fmt.Sprintf("%s %d %s", a.op, a.status, a.reason)
		}
		during := !a.start.Before(injected) && a.start.Before(cleared)
		if during {
			r.answeredDuringFault++
			if a.status >= 400 {
				r.refusedDuringFault++
			}
			if a.url {
				r.urlsDuringFault++
			}
		}
		evs := events[a.requestID]
		if a.url && len(evs) == 0 {
			r.urlsWithoutEvent++
		}
		if a.status == http.StatusServiceUnavailable && a.reason == reasonAuditUnavailable {
			if len(evs) > 0 {
				r.storedRefused++
			}
			continue
		}
		r.answered++
		if err := recorded(evs); err != nil {
			r.problems = append(r.problems, fmt.Sprintf("%s answered %d %s (request %s): %v", a.op, a.status, a.reason, a.requestID, err))
			continue
		}
		r.withEvents++
	}
	for id, evs := range events {
		r.events += len(evs)
		if !answeredIDs[id] {
			r.unanswered++
		}
	}
	res, err := verifyChain(t, store, srv.writer)
	switch {
	case err != nil:
		r.chain = err.Error()
	case !res.OK():
		r.chain = fmt.Sprintf("broken at %+v", *res.Break)
	default:
		r.chainOK, r.chain = true, fmt.Sprintf("ok (%d events)", res.Count)
	}
	t.Logf("%s: %s", f.name, r.summary())
	return r
}

// reasonAuditUnavailable is the reason of a refusal for want of the audit
// store (server.ReasonAuditUnavailable).
const reasonAuditUnavailable = "AuditUnavailable"

// check asserts the promises on one fault's result.
func (r result) check(t *testing.T, f fault) {
	t.Helper()
	if r.maxLatency > answerBound {
		t.Errorf("an answer took %s (%s), more than the S3 deadline and slack, %s: a request hung", r.maxLatency.Round(time.Millisecond), r.slowest, answerBound)
	}
	if r.byStatus[0] > 0 && !f.killsServer {
		t.Errorf("%d requests got no answer within %s", r.byStatus[0], clientTimeout)
	}
	for i, p := range r.problems {
		if i == 10 {
			t.Errorf("... and %d more requests not recorded as promised", len(r.problems)-i)
			break
		}
		t.Errorf("not recorded as promised: %s", p)
	}
	if r.withEvents != r.answered {
		t.Errorf("%d answered requests, %d recorded as promised", r.answered, r.withEvents)
	}
	if !r.chainOK {
		t.Errorf("the audit chain does not verify: %s", r.chain)
	}
	if r.urlsWithoutEvent > 0 {
		t.Errorf("%d presigned URLs handed out without a committed event", r.urlsWithoutEvent)
	}
	if f.auditDown && r.urlsDuringFault > 0 {
		t.Errorf("%d presigned URLs handed out while the audit store was down", r.urlsDuringFault)
	}
	if f.refuses && r.refusedDuringFault == 0 {
		t.Errorf("no request was refused while the fault lasted (%d answered): the fault did not reach the server", r.answeredDuringFault)
	}
	if f.auditDown && r.refusedDuringFault != r.answeredDuringFault {
		t.Errorf("%d of %d requests answered while the audit store was down were served", r.answeredDuringFault-r.refusedDuringFault, r.answeredDuringFault)
	}
}

// summary is the result in one line, for the log.
func (r result) summary() string {
	return fmt.Sprintf("answers %s; max latency %s (%s); recorded %d/%d (%d events); chain %s; URLs during fault %d; recovery %s; unanswered with events %d; refused but stored %d %s",
		statuses(r.byStatus), r.maxLatency.Round(time.Millisecond), r.slowest, r.withEvents, r.answered, r.events, r.chain,
		r.urlsDuringFault, r.recovery.Round(time.Millisecond), r.unanswered, r.storedRefused, r.note)
}

// statuses renders counts by status in ascending order, "none" for 0.
func statuses(m map[int]int) string {
	var parts []string
	for code := range 600 {
		if n := m[code]; n > 0 {
			name := fmt.Sprint(code)
			if code == 0 {
				name = "none"
			}
			parts = append(parts, fmt.Sprintf("%s×%d", name, n))
		}
	}
	return strings.Join(parts, " ")
}

// writeTable logs the table of every fault and writes it as Markdown to
// the artifacts directory.
func writeTable(t *testing.T, rows []result) {
	var b strings.Builder
	fmt.Fprintf(&b, "| fault | answers by status | max latency | answered requests recorded | events stored | chain | refused / answered during fault | URLs during fault | URLs without event | recovery | notes |\n")
	fmt.Fprintf(&b, "|---|---|---:|---:|---:|---|---:|---:|---:|---:|---|\n")
	for _, r := range rows {
		var notes []string
		if r.note != "" {
			notes = append(notes, r.note)
		}
		if r.unanswered > 0 {
			notes = append(notes, fmt.Sprintf("%d events of requests that got no answer (in flight at the kill)", r.unanswered))
		}
		if r.storedRefused > 0 {
			notes = append(notes, fmt.Sprintf("%d refusals whose event was stored", r.storedRefused))
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %d / %d | %d | %s | %d / %d | %d | %d | %s | %s |\n", r.name, statuses(r.byStatus),
			r.maxLatency.Round(time.Millisecond), r.withEvents, r.answered, r.events, r.chain, r.refusedDuringFault, r.answeredDuringFault,
			r.urlsDuringFault, r.urlsWithoutEvent, r.recovery.Round(time.Millisecond), strings.Join(notes, "; "))
	}
	b.WriteString(tableLegend)
	t.Logf("fault table:\n%s", b.String())
	dir := repo.Artifacts(t, "faults")
	if err := os.WriteFile(dir+"/faults.md", []byte(b.String()), 0o644); err != nil {
		t.Errorf("write the fault table: %v", err)
	}
}

// tableLegend says what the columns count.
const tableLegend = `
Answers by status: the load's requests (four users listing, presigning uploads and downloads,
deleting, uploading multipart; and the recovery probe) by HTTP status, "none" when no answer came
(the server was down). Answered requests recorded: requests answered with anything but 503
AuditUnavailable (which cannot be recorded) whose events are as promised (one event, or a pending
event and its outcome for a change of S3), of all such requests. Events stored: every event of the
fault's users. Refused / answered during fault: requests sent while the fault lasted. URLs without
event: presigned URLs handed out whose request has no committed event. Recovery: from the end of
the fault (the restart, for a kill) until a listing, which needs the index, S3 and the audit store,
answers 200.
`

// grantAfterRestart applies a new grant once the kube-apiserver is back
// and measures until the server shows it: the watches resumed.
func grantAfterRestart(t *testing.T, s *stack, phase string) string {
	who := user{name: phase + "-new@load.example"}
	s.env.MustKubectl(t, grantYAML(phase+"-new", "fresh/"+phase+"/", subject{"User", who.name}), "apply", "-f", "-")
	took := poll.Until(t, time.Minute, "a grant applied after the restart reaches the server", func() bool {
		return hasRoot(s.pgServer.base, who, "fresh/"+phase+"/")
	})
	return fmt.Sprintf("grant applied after restart served in %s", took.Round(time.Millisecond))
}
