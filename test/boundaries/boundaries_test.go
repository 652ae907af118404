// Package boundaries_test keeps the pure packages pure: the policy engine,
// the authorization index and key validation import neither Kubernetes nor
// the AWS SDK nor the network, so that they stay fast, testable offline and
// usable from any process.
package boundaries_test

import (
	"os/exec"
	"strings"
	"testing"
)

var pure = []string{
	"github.com/s3am/s3-access-manager/internal/keys",
	"github.com/s3am/s3-access-manager/internal/grant",
	"github.com/s3am/s3-access-manager/internal/policy",
	"github.com/s3am/s3-access-manager/internal/authz",
	"github.com/s3am/s3-access-manager/internal/accessreview",
}

var forbidden = []string{"k8s.io/", "sigs.k8s.io/", "github.com/aws/", "github.com/labstack/", "net/http", "net"}

func TestPurePackagesStayPure(t *testing.T) {
	for _, pkg := range pure {
		out, err := exec.Command("go", "list", "-deps", pkg).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", pkg, err)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, f := range forbidden {
				if dep == f || strings.HasPrefix(dep, f) && strings.HasSuffix(f, "/") {
					t.Errorf("%s depends on %s", pkg, dep)
				}
			}
		}
	}
}
