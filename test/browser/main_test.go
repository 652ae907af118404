// Package browser_test drives the partners' web app in headless Chromium
// against the real server (server.New with webui.Register), the operator's
// controllers and index feeder on a real control plane, and a real MinIO
// that the browser uploads to through presigned URLs. People sign in
// through the demo picker, as the demo's visitors do.
package browser_test

import (
	"testing"

	"github.com/s3am/s3-access-manager/internal/testenv/operatorstack"
)

const operatorNamespace = operatorstack.OperatorNamespace

// operator is the running operator stack: the control plane, and the index
// (with its feeder) that servers decide with.
var operator *operatorstack.Stack

func TestMain(m *testing.M) {
	operatorstack.Main(m, "test/browser", func(s *operatorstack.Stack) error { operator = s; return nil })
}
