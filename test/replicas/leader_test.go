//go:build unix

package replicas_test

import (
	"context"
	"io"
	"strings"
	"syscall"
	"testing"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/s3am/s3-access-manager/internal/testenv/minioserver"
	"github.com/s3am/s3-access-manager/internal/testenv/poll"
)

// maxKillHandover is how long a standby may take to lead after the leader
// died without releasing the lease. The standby counts the lease from when
// it last saw a renewal, which may be one attempt (a retry period jittered
// by up to 1.2) after the kill; once the lease has run out, its next
// attempt takes it: 2.4 retry periods. Two more seconds leave room for the
// API server's latency on a loaded 2-core CI machine.
const maxKillHandover = leaseDuration + 3*retryPeriod + 2*time.Second

// leaseHolder is the identity holding the operator's Lease, "" if none.
func (c *cluster) leaseHolder() string {
	l := &coordinationv1.Lease{}
	if c.env.Client.Get(context.Background(), types.NamespacedName{Namespace: namespace, Name: leaseName}, l) != nil {
		return ""
	}
	if l.Spec.HolderIdentity == nil {
		return ""
	}
	return *l.Spec.HolderIdentity
}

// leading reports whether the operator says it holds the lease
// (controller-runtime's leader_election_master_status).
func leading(o *operator) bool {
	return sum(scrapeQuiet(o.metrics), "leader_election_master_status", `name="`+leaseName+`"`) == 1
}

// scrapeQuiet is scrape without failing the test, "" on error.
func scrapeQuiet(url string) string {
	resp, err := httpClient.Get(url)
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return ""
	}
	return string(b)
}

// electedLeader waits until the Lease has a holder and exactly one of ops
// says it leads, and returns it with the others and the holder identity.
func electedLeader(t *testing.T, c *cluster, ops []*operator) (leader *operator, standbys []*operator, holder string) {
	t.Helper()
	poll.Until(t, 30*time.Second, "one leader", func() bool {
		leader, standbys = nil, nil
		for _, o := range ops {
			if leading(o) {
				if leader != nil {
					t.Fatalf("%s and %s both say they lead", leader.name, o.name)
				}
				leader = o
			} else {
				standbys = append(standbys, o)
			}
		}
		holder = c.leaseHolder()
		return leader != nil && holder != ""
	})
	return leader, standbys, holder
}

// policyHas reports whether MinIO's canned policy of the connection names
// prefix: what the app user may do, as the leader last wrote it.
func (c *cluster) policyHas(prefix string) bool {
	doc, err := c.admin.Get(context.Background(), policyName)
	return err == nil && strings.Contains(string(doc), "arn:aws:s3:::"+bucket+"/"+prefix)
}

// writes counts the writes an operator made through the API server:
// mutating requests that succeeded. (Replicas starting together all try to
// create the Lease; the losers' attempts fail with 409 and change nothing.)
func writes(exposition string) float64 {
	var n float64
	for _, m := range []string{"POST", "PUT", "PATCH", "DELETE"} {
		n += sum(exposition, "rest_client_requests_total", `method="`+m+`"`, `code="2`)
	}
	return n
}

// reconciles counts a controller's reconciles.
func reconciles(exposition, controller string) float64 {
	return sum(exposition, "controller_runtime_reconcile_total", `controller="`+controller+`"`)
}

// startedWorkers reports whether the operator's log shows the controller's
// workers starting, which happens only on the leader.
func startedWorkers(o *operator, controller string) bool {
	return len(o.lines("Starting workers", `"controller":"`+controller+`"`)) > 0
}

// checkOnlyLeaderWrites proves from the operators' metrics and logs that
// the leader reconciled and wrote, and the standbys neither reconciled nor
// made a single write through the API server.
func checkOnlyLeaderWrites(t *testing.T, leader *operator, standbys []*operator) {
	t.Helper()
	// The reconcile counter moves when Reconcile returns, a moment after
	// the write to MinIO the caller may have seen.
	var lm string
	deadline := time.Now().Add(10 * time.Second)
	for {
		lm = scrape(t, leader.metrics)
		if reconciles(lm, "s3connection") > 0 && writes(lm) > 0 && startedWorkers(leader, "s3connection") || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("leader %s: %v s3connection and %v prefixgrant reconciles, %v writes to the API server",
		leader.name, reconciles(lm, "s3connection"), reconciles(lm, "prefixgrant"), writes(lm))
	if reconciles(lm, "s3connection") == 0 || writes(lm) == 0 || !startedWorkers(leader, "s3connection") {
		t.Errorf("the leader %s shows no S3Connection reconciles, writes or started workers", leader.name)
	}
	for _, s := range standbys {
		sm := scrape(t, s.metrics)
		t.Logf("standby %s: %v s3connection and %v prefixgrant reconciles, %v writes to the API server",
			s.name, reconciles(sm, "s3connection"), reconciles(sm, "prefixgrant"), writes(sm))
		if reconciles(sm, "s3connection")+reconciles(sm, "prefixgrant") != 0 || writes(sm) != 0 {
			t.Errorf("the standby %s reconciled or wrote", s.name)
		}
		if startedWorkers(s, "s3connection") || startedWorkers(s, "prefixgrant") {
			t.Errorf("the standby %s started controller workers", s.name)
		}
	}
}

// applyGrantTo applies a grant of prefix for carol and returns how long
// MinIO's policy took to include it.
func (c *cluster) applyGrantTo(t *testing.T, name, prefix string) time.Duration {
	t.Helper()
	c.env.MustKubectl(t, grantYAML(name, prefix, []string{"write", "list"}, subject{"User", carol.user}), "apply", "-f", "-")
	return poll.Until(t, 60*time.Second, "policy includes "+prefix, func() bool { return c.policyHas(prefix) })
}

// testLeaderElection runs the handovers: with two operators only the leader
// writes; SIGKILL of the leader hands the lease over once it runs out and
// the new leader applies a grant made meanwhile; SIGTERM of the next leader
// releases the lease at once.
func testLeaderElection(t *testing.T, c *cluster, ops []*operator) {
	leader, standbys, holder := electedLeader(t, c, ops)
	t.Logf("Lease %s/%s held by %q: %s leads, %s stands by", namespace, leaseName, holder, leader.name, standbys[0].name)
	poll.Until(t, 30*time.Second, "policy of the baseline grants", func() bool {
		return c.policyHas("partner-a/uploads/") && c.policyHas("partner-b/") && !c.policyHas("partner-c/")
	})
	t.Logf("grant -> MinIO policy with both operators up: %s", c.applyGrantTo(t, "erin", "partner-e/drop/"))
	checkOnlyLeaderWrites(t, leader, standbys)

	// SIGKILL: no release; the standby waits the lease out. A grant made
	// right after the kill is admitted by the surviving webhook server and
	// applied by the new leader.
	survivor := standbys[0]
	killed := time.Now()
	leader.Signal(syscall.SIGKILL)
	c.env.MustKubectl(t, grantYAML("frank", "partner-f/", []string{"read"}, subject{"User", carol.user}), "apply", "-f", "-")
	c.env.MustKubectl(t, "", "-n", namespace, "delete", "prefixgrant", "erin")
	took := race(killed, 30*time.Second, 10*time.Millisecond,
		func() bool { h := c.leaseHolder(); return h != "" && h != holder },
		func() bool { return leading(survivor) },
		func() bool { return c.policyHas("partner-f/") && !c.policyHas("partner-e/") })
	t.Logf("SIGKILL of %s -> Lease taken over %s, %s says it leads %s, MinIO policy has the grant change %s (lease %s, retry %s)",
		leader.name, took[0], survivor.name, took[1], took[2], leaseDuration, retryPeriod)
	if took[0] < 0 || took[0] > maxKillHandover {
		t.Errorf("handover after SIGKILL took %s, want within %s", took[0], maxKillHandover)
	}
	if took[2] < 0 {
		t.Fatal("the new leader did not apply the grant change")
	}
	if exited, err := leader.Wait(5 * time.Second); !exited || err == nil {
		t.Errorf("%s after SIGKILL: exited %v, %v", leader.name, exited, err)
	}
	info := c.minio.MC(t, "admin", "policy", "info", minioserver.MCAlias, policyName)
	if !strings.Contains(info, bucket+"/partner-f/") || strings.Contains(info, "partner-e/") {
		t.Errorf("mc admin policy info %s does not reflect the change made after the kill:\n%s", policyName, info)
	}

	// A fresh standby joins; SIGTERM of the leader releases the lease.
	joiner := c.startOperator(t, "operator-c")
	waitReady(t, joiner.child, joiner.probe+"/readyz")
	leader, standbys, holder = electedLeader(t, c, []*operator{survivor, joiner})
	if leader != survivor {
		t.Fatalf("%s took the lease from %s, which still runs", leader.name, survivor.name)
	}
	checkOnlyLeaderWrites(t, leader, standbys)
	stopped := time.Now()
	leader.Signal(syscall.SIGTERM)
	took = race(stopped, 30*time.Second, 10*time.Millisecond,
		func() bool { h := c.leaseHolder(); return h != "" && h != holder },
		func() bool { return leading(joiner) },
		func() bool { return !leader.Running() })
	t.Logf("SIGTERM of %s -> Lease taken over %s, %s says it leads %s, %s exited %s",
		leader.name, took[0], joiner.name, took[1], leader.name, took[2])
	if took[0] < 0 || took[0] >= leaseDuration {
		t.Errorf("handover after SIGTERM took %s, want less than the lease duration %s (the lease is released)", took[0], leaseDuration)
	}
	if exited, err := leader.Wait(time.Second); !exited || err != nil {
		t.Errorf("%s after SIGTERM: exited %v, %v; want a clean exit", leader.name, exited, err)
	}
	t.Logf("grant -> MinIO policy after the SIGTERM handover: %s", c.applyGrantTo(t, "grace", "partner-g/"))
	checkOnlyLeaderWrites(t, joiner, nil)
}
