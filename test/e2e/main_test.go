// Package e2e runs the seed walkthrough end to end: the operator's
// controllers and the server's index feeder on a real control plane, the
// companion server on a loopback listener, and real MinIO behind it.
package e2e_test

import (
	"testing"

	"github.com/s3am/s3-access-manager/internal/testenv/operatorstack"
)

const operatorNamespace = operatorstack.OperatorNamespace

// operator is the running operator stack: the control plane, and the index
// (with its feeder) that servers decide with.
var operator *operatorstack.Stack

func TestMain(m *testing.M) {
	operatorstack.Main(m, "test/e2e", func(s *operatorstack.Stack) error { operator = s; return nil })
}
