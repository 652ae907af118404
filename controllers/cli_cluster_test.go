package controllers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
	"github.com/s3am/s3-access-manager/internal/accessreview"
	"github.com/s3am/s3-access-manager/internal/cli"
	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/testenv/poll"
)

// The CLI's cluster mode (--kubeconfig) reads the live grants the operator
// reconciled, so its answers are checked here, beside the controllers.

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
		var out bytes.Buffer
		code := cli.Main(ctx, append([]string{"can-i", "--kubeconfig", env.Kubeconfig, "--connection", conn, "--user", alice[0]}, args...), &out, &out)
		return out.String(), code
	}
	if out, code := canI("write", "s3://partner-data/partner-a/cani/x.pdf"); code != 0 || !strings.Contains(out, name) {
		t.Errorf("inside the grant: exit %d: %s", code, out)
	}
	if out, code := canI("write", "s3://partner-data/partner-a/cani-evil/x.pdf"); code != 1 {
		t.Errorf("beside the grant: exit %d: %s", code, out)
	}
}

// TestWhoCanClusterMode: `s3am who-can --kubeconfig` lists the live grants
// that reach a folder with their state: a grant in effect, one expired and
// one outside delegation, and not the grant beside the folder.
func TestWhoCanClusterMode(t *testing.T) {
	ctx := context.Background()
	conn, _ := readyMinIOConnection(t)
	inEffect, expired, outside, beside := unique("wc-live"), unique("wc-expired"), unique("wc-outside"), unique("wc-beside")
	past := "  validUntil: \"" + time.Now().Add(-time.Hour).UTC().Format(time.RFC3339) + "\"\n"
	for _, g := range []struct{ ns, name, prefix, extra string }{
		{operatorNamespace, inEffect, "partner-a/whocan/", ""},
		{operatorNamespace, expired, "partner-a/whocan/old/", past},
		{"team-x", outside, "partner-a/", ""},
		{operatorNamespace, beside, "partner-a/whocan-evil/", ""},
	} {
		if _, err := env.Kubectl(ctx, grantYAML(g.ns, g.name, conn, g.prefix, []string{"read", "list"}, g.extra), "apply", "-f", "-"); err != nil {
			t.Fatal(err)
		}
	}
	poll.Until(t, 10*time.Second, "grant indexed", func() bool { return allowed(conn, "partner-a/whocan/x.pdf", grant.Read) })
	poll.Until(t, 10*time.Second, "OutsideDelegation", func() bool {
		return isTrue(grantCondition(t, "team-x", outside, v1alpha1.ConditionOutsideDelegation))
	})

	var out, errOut bytes.Buffer
	args := []string{"who-can", "--kubeconfig", env.Kubeconfig, "--connection", conn, "-o", "json", "read", "s3://partner-data/partner-a/whocan/"}
	if code := cli.Main(ctx, args, &out, &errOut); code != 0 {
		t.Fatalf("who-can: exit %d\n%s", code, errOut.String())
	}
	var rows []accessreview.Row
	if err := json.Unmarshal(out.Bytes(), &rows); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out.String())
	}
	got := map[string]accessreview.Row{}
	for _, r := range rows {
		got[r.Name] = r
	}
	if len(rows) != 3 {
		t.Errorf("%d rows, want 3: %+v", len(rows), rows)
	}
	for name, want := range map[string]struct {
		status   string
		inEffect bool
	}{
		inEffect: {accessreview.StatusReady, true},
		expired:  {v1alpha1.ReasonExpired, false},
		outside:  {v1alpha1.ReasonOutsideDelegation, false},
	} {
		r, ok := got[name]
		if !ok || r.Status != want.status || r.InEffect != want.inEffect || r.Subject != alice[0] {
			t.Errorf("%s: got %+v, want status %s, in effect %v", name, r, want.status, want.inEffect)
		}
	}
	if r := got[inEffect]; r.LastTransition == nil {
		t.Errorf("the live grant has no last transition: %+v", r)
	}
	if _, ok := got[beside]; ok {
		t.Errorf("a grant beside the folder is listed: %+v", got[beside])
	}
}
