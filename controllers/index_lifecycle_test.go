package controllers_test

import (
	"context"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/types"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
	"github.com/s3am/s3-access-manager/internal/authz"
	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/testenv/minioserver"
	"github.com/s3am/s3-access-manager/internal/testenv/poll"
)

// readyMinIOConnection starts a MinIO with the partner-data bucket and a
// connection to it with the root keys, and waits until it is Ready.
func readyMinIOConnection(t *testing.T) (string, *minioserver.Server) {
	t.Helper()
	srv := minioserver.Start(t)
	srv.CreateBucket(t, "partner-data")
	name := unique("minio")
	keysSecret(t, name+"-keys", srv.RootAccessKey, srv.RootSecretKey)
	conn := minioConnection(name, srv, name+"-keys")
	if err := k8s.Create(context.Background(), conn); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = k8s.Delete(context.Background(), conn) })
	poll.Until(t, 30*time.Second, "connection Ready", func() bool { return isTrue(connectionCondition(t, name, v1alpha1.ConditionReady)) })
	return name, srv
}

func allowed(conn, key string, perm grant.Permission) bool {
	return index.Decide(grant.Principal{User: alice[0]}, perm, conn, "partner-data", key).Allowed
}

// TestGrantLifecycleDrivesTheIndex follows a grant from kubectl apply to the
// index and back out, by deletion and by suspending its connection.
func TestGrantLifecycleDrivesTheIndex(t *testing.T) {
	ctx := context.Background()
	conn, _ := readyMinIOConnection(t)
	key := "partner-a/uploads/2024/january/invoice-001.pdf"
	name := unique("alice-uploads")

	if _, err := env.Kubectl(ctx, grantYAML(operatorNamespace, name, conn, "partner-a/uploads/", []string{"write", "list"}, ""), "apply", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	took := poll.Until(t, 10*time.Second, "Decide allows after kubectl apply", func() bool { return allowed(conn, key, grant.Write) })
	t.Logf("kubectl apply -> Decide allows: %s", took)
	if allowed(conn, "partner-a/uploads-evil/x.pdf", grant.Write) || allowed(conn, key, grant.Delete) {
		t.Fatal("the grant authorizes beyond its prefix or permissions")
	}

	if _, err := env.Kubectl(ctx, "", "delete", "prefixgrant", name, "-n", operatorNamespace); err != nil {
		t.Fatal(err)
	}
	took = poll.Until(t, 10*time.Second, "Decide denies after delete", func() bool { return !allowed(conn, key, grant.Write) })
	t.Logf("kubectl delete -> Decide denies: %s", took)

	if _, err := env.Kubectl(ctx, grantYAML(operatorNamespace, name, conn, "partner-a/uploads/", []string{"write"}, ""), "apply", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	poll.Until(t, 10*time.Second, "Decide allows again", func() bool { return allowed(conn, key, grant.Write) })
	if _, err := env.Kubectl(ctx, "", "patch", "s3connection", conn, "--type=merge", "-p", `{"spec":{"suspend":true}}`); err != nil {
		t.Fatal(err)
	}
	took = poll.Until(t, 10*time.Second, "Decide denies after suspend", func() bool { return !allowed(conn, key, grant.Write) })
	t.Logf("suspend -> Decide denies: %s", took)
	d := index.Decide(grant.Principal{User: alice[0]}, grant.Write, conn, "partner-data", key)
	if d.Reason != authz.ReasonConnectionNotReady {
		t.Errorf("reason after suspend = %s, want %s", d.Reason, authz.ReasonConnectionNotReady)
	}
	poll.Until(t, 10*time.Second, "grant not Ready after suspend", func() bool {
		c := grantCondition(t, operatorNamespace, name, v1alpha1.ConditionReady)
		return c != nil && c.Reason == v1alpha1.ReasonSuspended
	})
}

// TestValidUntilExpires: a grant stops authorizing when its window closes,
// and is marked Expired.
func TestValidUntilExpires(t *testing.T) {
	ctx := context.Background()
	conn, _ := readyMinIOConnection(t)
	name := unique("short")
	until := time.Now().Add(4 * time.Second).UTC().Format(time.RFC3339)
	extra := "  validUntil: \"" + until + "\"\n"
	if _, err := env.Kubectl(ctx, grantYAML(operatorNamespace, name, conn, "partner-a/short/", []string{"read"}, extra), "apply", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	key := "partner-a/short/report.pdf"
	poll.Until(t, 10*time.Second, "allowed inside the window", func() bool { return allowed(conn, key, grant.Read) })
	poll.Until(t, 15*time.Second, "denied after validUntil", func() bool { return !allowed(conn, key, grant.Read) })
	poll.Until(t, 10*time.Second, "Expired condition", func() bool {
		c := grantCondition(t, operatorNamespace, name, v1alpha1.ConditionExpired)
		return isTrue(c) && c.Reason == v1alpha1.ReasonExpired
	})
}

// TestOutsideDelegationNeverAuthorizes: a grant from a namespace the
// connection does not delegate to is never indexed.
func TestOutsideDelegationNeverAuthorizes(t *testing.T) {
	ctx := context.Background()
	conn, _ := readyMinIOConnection(t)
	name := unique("sneaky")
	if _, err := env.Kubectl(ctx, grantYAML("team-x", name, conn, "partner-a/uploads/", []string{"write"}, ""), "apply", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	poll.Until(t, 10*time.Second, "OutsideDelegation condition", func() bool {
		return isTrue(grantCondition(t, "team-x", name, v1alpha1.ConditionOutsideDelegation))
	})
	if allowed(conn, "partner-a/uploads/x.pdf", grant.Write) {
		t.Fatal("a grant outside delegation authorizes")
	}
	g := &v1alpha1.PrefixGrant{}
	if err := k8s.Get(ctx, types.NamespacedName{Namespace: "team-x", Name: name}, g); err != nil {
		t.Fatal(err)
	}
	if c := grantCondition(t, "team-x", name, v1alpha1.ConditionReady); isTrue(c) {
		t.Fatalf("grant outside delegation is Ready: %+v", c)
	}
}
