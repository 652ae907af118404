package controllers_test

import (
	"context"
	"fmt"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/s3am/s3-access-manager/internal/authz"
	"github.com/s3am/s3-access-manager/internal/testenv/controlplane"
	"github.com/s3am/s3-access-manager/internal/testenv/operatorstack"
)

const operatorNamespace = operatorstack.OperatorNamespace

var (
	env   *controlplane.Env
	index *authz.Index
	k8s   client.Client
)

// TestMain runs one control plane with the operator's reconcilers and an
// index feeder for the whole package, as `s3am all` runs them; each test
// brings its own MinIO.
func TestMain(m *testing.M) {
	operatorstack.Main(m, "controllers", func(s *operatorstack.Stack) error {
		env, index, k8s = s.Env, s.Index, s.Env.Client
		for _, ns := range []string{"team-x", "partner-b-ops"} {
			if err := k8s.Create(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
				return fmt.Errorf("namespace %s: %w", ns, err)
			}
		}
		return nil
	})
}
