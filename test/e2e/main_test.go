// Package e2e runs the seed walkthrough end to end: the operator's
// controllers and the server's index feeder on a real control plane, the
// companion server on a loopback listener, and real MinIO behind it.
package e2e_test

import (
	"testing"

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
	// operator is the running operator stack; servers decide with its index.
	operator *operatorstack.Stack
)

func TestMain(m *testing.M) {
	operatorstack.Main(m, "test/e2e", func(s *operatorstack.Stack) error {
		operator, env, index, k8s = s, s.Env, s.Index, s.Env.Client
		return nil
	})
}
