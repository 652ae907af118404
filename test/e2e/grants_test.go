package e2e_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/testenv/poll"
)

// grantSpec is a PrefixGrant for alice that the newer tests apply: unlike
// applyGrant's, its upload limit is theirs to choose.
type grantSpec struct {
	conn, name, prefix string
	perms              []string
	// maxObjectSize is a Kubernetes quantity; empty leaves no upload limit.
	maxObjectSize string
}

// apply applies g with kubectl, removes it when the test ends, and waits
// until the index allows probe with perm.
func (g grantSpec) apply(t testing.TB, probe string, perm grant.Permission) {
	t.Helper()
	y := `apiVersion: s3am.io/v1alpha1
kind: PrefixGrant
metadata:
  name: ` + g.name + `
  namespace: ` + operatorNamespace + `
spec:
  connection: ` + g.conn + `
  bucket: ` + bucket + `
  prefix: ` + g.prefix + `
  subjects:
    - kind: User
      name: ` + alice + `
  permissions: [` + strings.Join(g.perms, ", ") + `]
`
	if g.maxObjectSize != "" {
		y += "  upload:\n    maxObjectSize: " + g.maxObjectSize + "\n"
	}
	if out, err := operator.Env.Kubectl(context.Background(), y, "apply", "-f", "-"); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	t.Cleanup(func() {
		_, _ = operator.Env.Kubectl(context.Background(), "", "delete", "prefixgrant", g.name, "-n", operatorNamespace, "--wait=false")
	})
	poll.Until(t, 20*time.Second, "grant "+g.name+" authorizes", func() bool {
		return operator.Index.Decide(grant.Principal{User: alice}, perm, g.conn, bucket, probe).Allowed
	})
}
