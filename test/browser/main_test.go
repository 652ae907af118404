// Package browser_test drives the partners' web app in headless Chromium
// against the real server (server.New with webui.Register), the operator's
// controllers and index feeder on a real control plane, and a real MinIO
// that the browser uploads to through presigned URLs. People sign in
// through the demo picker, as the demo's visitors do.
package browser_test

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
	operatorstack.Main(m, "test/browser", func(s *operatorstack.Stack) error {
		operator, env, index, k8s = s, s.Env, s.Index, s.Env.Client
		return nil
	})
}
