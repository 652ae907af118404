package controllers_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	eventsv1 "k8s.io/api/events/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
	minioprovider "github.com/s3am/s3-access-manager/internal/providers/minio"
	"github.com/s3am/s3-access-manager/internal/testenv/minioserver"
	"github.com/s3am/s3-access-manager/internal/testenv/poll"
)

// TestApplyModeOnMinIO: the connection's MinIO user gets exactly the
// generated policy; a hand edit is reverted and evented; deleting the
// connection removes the policy.
func TestApplyModeOnMinIO(t *testing.T) {
	ctx := context.Background()
	srv := minioserver.Start(t)
	srv.CreateBucket(t, "partner-data")
	const appUser, appSecret = "partner-app", "partner-app-secret-123"
	srv.MC(t, "admin", "user", "add", minioserver.MCAlias, appUser, appSecret)

	name := unique("apply")
	keysSecret(t, name+"-keys", srv.RootAccessKey, srv.RootSecretKey)
	conn := minioConnection(name, srv, name+"-keys")
	conn.Spec.IAM = &v1alpha1.IAMConfig{Mode: v1alpha1.IAMModeApply, User: appUser, CredentialScoping: v1alpha1.CredentialScopingNone}
	if err := k8s.Create(ctx, conn); err != nil {
		t.Fatal(err)
	}
	poll.Until(t, 30*time.Second, "connection Ready", func() bool { return isTrue(connectionCondition(t, name, v1alpha1.ConditionReady)) })
	if _, err := env.Kubectl(ctx, grantYAML(operatorNamespace, unique("alice"), name, "partner-a/uploads/", []string{"write", "list"}, ""), "apply", "-f", "-"); err != nil {
		t.Fatal(err)
	}

	app := srv.S3Client(t, minioserver.StaticCredentials(aws.Credentials{AccessKeyID: appUser, SecretAccessKey: appSecret}))
	put := func(key string) error {
		_, err := app.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("partner-data"), Key: aws.String(key), Body: bytes.NewReader([]byte("x"))})
		return err
	}
	poll.Until(t, 30*time.Second, "the app user may write inside the grant", func() bool { return put("partner-a/uploads/ok.txt") == nil })
	for _, key := range []string{"partner-a/uploads-evil/x.txt", "partner-b/uploads/x.txt", "root.txt"} {
		if err := put(key); err == nil {
			t.Errorf("the app user may write %s, outside every grant", key)
		}
	}
	if _, err := app.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("partner-data"), Key: aws.String("partner-a/uploads/ok.txt")}); err == nil {
		t.Error("the app user may read, but no grant has read")
	}
	if !isTrue(connectionCondition(t, name, v1alpha1.ConditionPolicyApplied)) {
		t.Fatalf("PolicyApplied: %+v", connectionCondition(t, name, v1alpha1.ConditionPolicyApplied))
	}

	// A hand edit: someone widens the canned policy to the whole bucket.
	policyName := "s3am-" + name + "-1"
	wide := filepath.Join(t.TempDir(), "wide.json")
	if err := os.WriteFile(wide, []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:PutObject"],"Resource":["arn:aws:s3:::partner-data/*"]}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	srv.MC(t, "admin", "policy", "create", minioserver.MCAlias, policyName, wide)
	if err := put("partner-b/uploads/widened.txt"); err != nil {
		t.Fatalf("the hand edit did not take: %v", err)
	}
	// The periodic check would find it within checkInterval; an annotation
	// brings the reconcile forward.
	if _, err := env.Kubectl(ctx, "", "annotate", "s3connection", name, "test/poke="+time.Now().Format("150405.000"), "--overwrite"); err != nil {
		t.Fatal(err)
	}
	poll.Until(t, 30*time.Second, "the hand edit is reverted", func() bool { return put("partner-b/uploads/again.txt") != nil })
	poll.Until(t, 10*time.Second, "a PolicyDrifted Warning event", func() bool { return hasEvent(ctx, name, v1alpha1.ReasonPolicyDrifted) })

	// Deleting the connection removes the canned policy.
	admin, err := minioprovider.New(aws.Config{
		BaseEndpoint: aws.String(srv.Endpoint), Region: srv.Region, Credentials: srv.RootCredentials(),
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := k8s.Delete(ctx, conn); err != nil {
		t.Fatal(err)
	}
	poll.Until(t, 30*time.Second, "connection gone", func() bool {
		return k8s.Get(ctx, types.NamespacedName{Name: name}, &v1alpha1.S3Connection{}) != nil
	})
	if _, err := admin.Get(ctx, policyName); !errors.Is(err, minioprovider.ErrNoSuchPolicy) {
		t.Errorf("canned policy after deleting the connection: %v, want ErrNoSuchPolicy", err)
	}
	if err := put("partner-a/uploads/after.txt"); err == nil {
		t.Error("the app user may still write after the connection was deleted")
	}
}

func hasEvent(ctx context.Context, connection, reason string) bool {
	list := &eventsv1.EventList{}
	if err := k8s.List(ctx, list); err != nil {
		return false
	}
	for _, e := range list.Items {
		if e.Regarding.Name == connection && e.Reason == reason && e.Type == "Warning" {
			return true
		}
	}
	return false
}
