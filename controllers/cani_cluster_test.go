package controllers_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/s3am/s3-access-manager/internal/cli"
	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/testenv/poll"
)

// TestCanIClusterMode: `s3am can-i --kubeconfig` answers from the live
// grants, as the server's index does.
func TestCanIClusterMode(t *testing.T) {
	ctx := context.Background()
	conn, _ := readyMinIOConnection(t)
	name := unique("cani")
	if _, err := env.Kubectl(ctx, grantYAML(operatorNamespace, name, conn, "partner-a/cani/", []string{"write"}, ""), "apply", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	poll.Until(t, 10*time.Second, "grant indexed", func() bool { return allowed(conn, "partner-a/cani/x.pdf", grant.Write) })

	canI := func(args ...string) (string, int) {
		cmd := cli.NewRoot()
		var out bytes.Buffer
		cmd.SetOut(&out)
		cmd.SetErr(&out)
		cmd.SetArgs(append([]string{"can-i", "--kubeconfig", env.Kubeconfig, "--connection", conn, "--user", alice[0]}, args...))
		err := cmd.ExecuteContext(ctx)
		var exit *cli.ExitError
		switch {
		case errors.As(err, &exit):
			return out.String() + exit.Message, exit.Code
		case err != nil:
			return err.Error(), 2
		}
		return out.String(), 0
	}
	if out, code := canI("write", "s3://partner-data/partner-a/cani/x.pdf"); code != 0 || !strings.Contains(out, name) {
		t.Errorf("inside the grant: exit %d: %s", code, out)
	}
	if out, code := canI("write", "s3://partner-data/partner-a/cani-evil/x.pdf"); code != 1 {
		t.Errorf("beside the grant: exit %d: %s", code, out)
	}
}
