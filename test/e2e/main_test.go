// Package e2e runs the seed walkthrough end to end: the operator's
// controllers and the server's index feeder on a real control plane, the
// companion server on a loopback listener, and real MinIO behind it.
package e2e_test

import (
	"sync/atomic"
	"testing"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/s3am/s3-access-manager/internal/authz"
	"github.com/s3am/s3-access-manager/internal/testenv/controlplane"
	"github.com/s3am/s3-access-manager/internal/testenv/operatorstack"
	"github.com/s3am/s3-access-manager/server"
)

const operatorNamespace = operatorstack.OperatorNamespace

var (
	env   *controlplane.Env
	index *authz.Index
	k8s   client.Client
	// cache reads through the manager's informers, as the server does.
	cache client.Client
	// connections are the running server's; the index feeder invalidates
	// their scoped credentials on every change, as in `s3am server`.
	connections *atomic.Pointer[server.Connections]
	// operator is the running operator stack.
	operator *operatorstack.Stack
)

func TestMain(m *testing.M) {
	operatorstack.Main(m, "test/e2e", func(s *operatorstack.Stack) {
		operator = s
		env, index, k8s, cache, connections = s.Env, s.Index, s.Env.Client, s.Cache, &s.Connections
	})
}
