package authz_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/s3am/s3-access-manager/internal/authz"
	"github.com/s3am/s3-access-manager/internal/grant"
)

// TestReadersDuringSwaps runs readers against a writer that keeps swapping
// snapshots (run it with -race). A grant that is never touched must allow on
// every read; the connection the writer toggles must only ever allow or deny
// with ConnectionNotReady; a churned grant must allow or deny with NoGrant.
func TestReadersDuringSwaps(t *testing.T) {
	stable := mkGrant("ns", "stable", "stable/", perms(grant.Read, grant.List), user("alice"))
	flappy := mkGrant("ns", "flappy", "flappy/", perms(grant.Read), group("team"))
	flappy.Connection = "flappy-conn"
	ix := readyIndex(t, stable, flappy)
	ix.SetConnectionReady("flappy-conn", true)
	alice := grant.Principal{User: "alice", Groups: []string{"team", "g0", "g1"}}

	var stop atomic.Bool
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for r := 0; r < 4; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; !stop.Load(); i++ {
				if d := ix.Decide(alice, grant.Read, "conn", "data", "stable/x"); !d.Allowed || d.Grant != "ns/stable" {
					errs <- fmt.Errorf("stable grant: %+v", d)
					return
				}
				if d := ix.Decide(alice, grant.Read, "flappy-conn", "data", "flappy/x"); !d.Allowed && d.Reason != authz.ReasonConnectionNotReady {
					errs <- fmt.Errorf("flapping connection: %+v", d)
					return
				}
				if d := ix.Decide(alice, grant.Write, "conn", "data", fmt.Sprintf("churn/%d/x", i%50)); !d.Allowed && d.Reason != authz.ReasonNoGrant {
					errs <- fmt.Errorf("churned grant: %+v", d)
					return
				}
				if d := ix.CanList(alice, "conn", "data", ""); !d.Allowed {
					errs <- fmt.Errorf("listing the root: %+v", d)
					return
				}
				_ = ix.Roots(alice)
			}
		}()
	}
	for i := 0; i < 2000; i++ {
		g := mkGrant("ns", fmt.Sprintf("churn-%d", i%50), fmt.Sprintf("churn/%d/", i%50), perms(grant.Write), group(fmt.Sprintf("g%d", i%2)))
		if i%3 == 0 {
			ix.Delete(g.Namespace, g.Name)
		} else if err := ix.Upsert(g); err != nil {
			t.Fatal(err)
		}
		ix.SetConnectionReady("flappy-conn", i%2 == 0)
		if i%500 == 0 {
			if err := ix.Replace([]grant.Grant{stable, flappy}); err != nil {
				t.Fatal(err)
			}
		}
	}
	stop.Store(true)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
