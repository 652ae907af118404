package controllers_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/types"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
	"github.com/s3am/s3-access-manager/internal/testenv/minioserver"
	"github.com/s3am/s3-access-manager/internal/testenv/poll"
)

// TestConnectionCredentials: Test Connection reports MinIO's bucket count, a
// clear failure for a wrong secret without leaking it, and recovers when the
// Secret is rotated to good keys, without a restart.
func TestConnectionCredentials(t *testing.T) {
	ctx := context.Background()
	srv := minioserver.Start(t)
	for _, b := range []string{"partner-data", "partner-archive", "scratch"} {
		srv.CreateBucket(t, b)
	}
	name := unique("creds")
	wrong := "wrong-" + srv.RootSecretKey
	secret := keysSecret(t, name+"-keys", srv.RootAccessKey, wrong)
	if err := k8s.Create(ctx, minioConnection(name, srv, secret.Name)); err != nil {
		t.Fatal(err)
	}

	var failed string
	poll.Until(t, 30*time.Second, "CredentialsValid=False", func() bool {
		c := connectionCondition(t, name, v1alpha1.ConditionCredentialsValid)
		if c != nil && c.Status == "False" {
			failed = c.Reason + ": " + c.Message
			return true
		}
		return false
	})
	t.Logf("wrong secret: %s", failed)
	if !strings.Contains(failed, "SignatureDoesNotMatch") || !strings.Contains(failed, v1alpha1.ReasonCredentialsInvalid) {
		t.Errorf("failure does not name the S3 error code: %s", failed)
	}
	if strings.Contains(failed, wrong) || strings.Contains(failed, srv.RootAccessKey) {
		t.Fatal("the condition leaks key material")
	}
	if isTrue(connectionCondition(t, name, v1alpha1.ConditionReady)) {
		t.Fatal("connection with wrong keys is Ready")
	}

	secret.Data["secretAccessKey"] = []byte(srv.RootSecretKey)
	if err := k8s.Update(ctx, secret); err != nil {
		t.Fatal(err)
	}
	took := poll.Until(t, 30*time.Second, "Ready after rotation", func() bool { return isTrue(connectionCondition(t, name, v1alpha1.ConditionReady)) })
	t.Logf("secret rotated -> Ready: %s", took)
	c := &v1alpha1.S3Connection{}
	if err := k8s.Get(ctx, types.NamespacedName{Name: name}, c); err != nil {
		t.Fatal(err)
	}
	if c.Status.BucketCount == nil || *c.Status.BucketCount != 3 {
		t.Errorf("bucketCount = %v, want 3", c.Status.BucketCount)
	}
	if c.Status.LastCheckedTime == nil {
		t.Error("lastCheckedTime not set")
	}
	_ = k8s.Delete(ctx, c)
}
