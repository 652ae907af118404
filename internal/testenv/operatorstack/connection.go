package operatorstack

import (
	"context"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
	"github.com/s3am/s3-access-manager/internal/testenv/minioserver"
)

// ConnectMinIO creates the S3Connection name to srv with its root keys in a
// Secret of the operator namespace, waits until the operator reports it
// Ready, and deletes both when the test ends.
func (s *Stack) ConnectMinIO(t testing.TB, name string, srv *minioserver.Server) {
	t.Helper()
	ctx := context.Background()
	k8s := s.Env.Client
	secret := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: name + "-keys", Namespace: OperatorNamespace},
		Data:       map[string][]byte{"accessKeyID": []byte(srv.RootAccessKey), "secretAccessKey": []byte(srv.RootSecretKey)},
	}
	if err := k8s.Create(ctx, secret); err != nil {
		t.Fatal(err)
	}
	c := &v1alpha1.S3Connection{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: v1alpha1.S3ConnectionSpec{
			Provider: v1alpha1.ProviderS3Compatible, Endpoint: srv.Endpoint, PathStyle: true, Region: srv.Region,
			Auth: v1alpha1.ConnectionAuth{AccessKey: &v1alpha1.SecretKeysRef{
				Namespace: OperatorNamespace, Name: secret.Name, AccessKeyIDKey: "accessKeyID", SecretAccessKeyKey: "secretAccessKey",
			}},
		},
	}
	if err := k8s.Create(ctx, c); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = k8s.Delete(context.Background(), c); _ = k8s.Delete(context.Background(), secret) })
	deadline := time.Now().Add(30 * time.Second)
	for {
		got := &v1alpha1.S3Connection{}
		if k8s.Get(ctx, types.NamespacedName{Name: name}, got) == nil {
			if cond := meta.FindStatusCondition(got.Status.Conditions, v1alpha1.ConditionReady); cond != nil && cond.Status == metav1.ConditionTrue {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("connection %s to MinIO not Ready within 30s", name)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
