//go:build unix

// Package replicas_test runs s3am as a cluster runs it with two replicas of
// each workload: real `s3am operator` and `s3am server` processes (bin/s3am,
// or $S3AM_BIN) against one real control plane and one real MinIO. The
// servers both serve and agree, and record into one PostgreSQL audit store
// (Debian's, started by the test), failing closed while it is down; only the
// leading operator writes, and the lease moves on when the leader is killed
// or stopped.
//
// The API server sends admission requests to one address; a proxy there
// passes each connection to the operators' webhook servers in turn, as a
// Service would, so grants are admitted while any operator runs.
package replicas_test

import (
	"net/http"
	"testing"
	"time"

	apiprobe "github.com/s3am/s3-access-manager/internal/testenv/probe"
)

func TestReplicas(t *testing.T) {
	began := time.Now()
	c := startCluster(t)
	ops := []*operator{c.startOperator(t, "operator-a"), c.startOperator(t, "operator-b")}
	for _, o := range ops {
		t.Logf("%s ready after %s", o.name, waitReady(t, o.child, o.probe+"/readyz"))
	}
	c.applyConnection(t)
	servers := []*server{c.startServer(t, "server-a"), c.startServer(t, "server-b")}
	for _, s := range servers {
		t.Logf("%s ready after %s", s.name, waitReady(t, s.child, s.base+"/readyz"))
	}
	applyBaseline(t, c, servers)

	t.Run("servers see grant changes within 1s", func(t *testing.T) { testGrantPropagation(t, c, servers) })
	t.Run("servers decide alike", func(t *testing.T) { testSameDecisions(t, servers) })
	t.Run("one PostgreSQL audit store for both servers", func(t *testing.T) { testSharedAuditStore(t, c, servers) })
	t.Run("only the leader writes and the lease moves on", func(t *testing.T) { testLeaderElection(t, c, ops) })

	for _, s := range servers {
		if got := apiprobe.Status(httpClient, s.base+"/readyz"); got != http.StatusOK {
			t.Errorf("%s /readyz after the operators' handovers: %d", s.name, got)
		}
	}
	t.Logf("control plane, MinIO, 3 operators and 2 servers: %s", time.Since(began))
}
