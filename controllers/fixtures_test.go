package controllers_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
	"github.com/s3am/s3-access-manager/internal/testenv/minioserver"
	"github.com/s3am/s3-access-manager/internal/testenv/operatorstack"
)

var alice = []string{"alice@partner-a.com"}

// unique returns name with a random suffix, so tests sharing the control
// plane never collide.
func unique(name string) string {
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return name + "-" + hex.EncodeToString(b)
}

// keysSecret stores an access key pair in the operator's namespace.
func keysSecret(t *testing.T, name, id, secret string) *corev1.Secret {
	t.Helper()
	s := operatorstack.KeysSecret(name, id, secret)
	if err := k8s.Create(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	return s
}

// minioConnection returns a connection to srv reading keys from secret,
// checked every 30 seconds.
func minioConnection(name string, srv *minioserver.Server, secret string) *v1alpha1.S3Connection {
	c := operatorstack.MinIOConnection(name, srv, secret)
	c.Spec.CheckInterval = &metav1.Duration{Duration: 30 * time.Second}
	return c
}

// grantYAML is a PrefixGrant as a user would apply it with kubectl.
func grantYAML(namespace, name, connection, prefix string, perms []string, extra string) string {
	return fmt.Sprintf(`apiVersion: s3am.io/v1alpha1
kind: PrefixGrant
metadata:
  name: %s
  namespace: %s
spec:
  connection: %s
  bucket: partner-data
  prefix: %s
  subjects:
    - kind: User
      name: alice@partner-a.com
  permissions: [%s]
%s`, name, namespace, connection, prefix, strings.Join(perms, ", "), extra)
}

func connectionCondition(t *testing.T, name, typ string) *metav1.Condition {
	t.Helper()
	c := &v1alpha1.S3Connection{}
	if err := k8s.Get(context.Background(), types.NamespacedName{Name: name}, c); err != nil {
		return nil
	}
	return meta.FindStatusCondition(c.Status.Conditions, typ)
}

func grantCondition(t *testing.T, namespace, name, typ string) *metav1.Condition {
	t.Helper()
	g := &v1alpha1.PrefixGrant{}
	if err := k8s.Get(context.Background(), types.NamespacedName{Namespace: namespace, Name: name}, g); err != nil {
		return nil
	}
	return meta.FindStatusCondition(g.Status.Conditions, typ)
}

func isTrue(c *metav1.Condition) bool { return c != nil && c.Status == metav1.ConditionTrue }
