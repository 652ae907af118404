package operatorstack

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
	"github.com/s3am/s3-access-manager/internal/testenv/minioserver"
	"github.com/s3am/s3-access-manager/internal/testenv/probe"
)

// KeysSecret is a Secret name in the operator namespace holding an access
// key pair under the keys an S3Connection reads by default.
func KeysSecret(name, accessKeyID, secretAccessKey string) *corev1.Secret {
	return &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: OperatorNamespace},
		Data:       map[string][]byte{"accessKeyID": []byte(accessKeyID), "secretAccessKey": []byte(secretAccessKey)},
	}
}

// MinIOConnection is the S3Connection name to srv, path-style, reading its
// keys from the Secret secret of the operator namespace.
func MinIOConnection(name string, srv *minioserver.Server, secret string) *v1alpha1.S3Connection {
	return &v1alpha1.S3Connection{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: v1alpha1.S3ConnectionSpec{
			Provider: v1alpha1.ProviderS3Compatible, Endpoint: srv.Endpoint, PathStyle: true, Region: srv.Region,
			Auth: v1alpha1.ConnectionAuth{AccessKey: &v1alpha1.SecretKeysRef{
				Namespace: OperatorNamespace, Name: secret, AccessKeyIDKey: "accessKeyID", SecretAccessKeyKey: "secretAccessKey",
			}},
		},
	}
}

// ConnectMinIO creates the S3Connection name to srv with its root keys in a
// Secret of the operator namespace, waits until the operator reports it
// Ready, and deletes both when the test ends.
func (s *Stack) ConnectMinIO(t testing.TB, name string, srv *minioserver.Server) {
	t.Helper()
	ctx := context.Background()
	k8s := s.Env.Client
	secret := KeysSecret(name+"-keys", srv.RootAccessKey, srv.RootSecretKey)
	if err := k8s.Create(ctx, secret); err != nil {
		t.Fatal(err)
	}
	c := MinIOConnection(name, srv, secret.Name)
	if err := k8s.Create(ctx, c); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = k8s.Delete(context.Background(), c); _ = k8s.Delete(context.Background(), secret) })
	probe.ConnectionReady(t, k8s, name)
}
