// Package validation_test runs the bad-input table (testdata/bad-inputs.yaml)
// against both layers of admission on real control planes: the CRD schema and
// its CEL rules alone, then with the admission webhooks served by this test
// process. It also passes every row straight to the webhook's Go validators,
// and checks delegation, defaulting and warnings end to end with kubectl.
package validation_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/go-logr/logr"
	ctrl "sigs.k8s.io/controller-runtime"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	crwebhook "sigs.k8s.io/controller-runtime/pkg/webhook"

	"github.com/s3am/s3-access-manager/internal/testenv/controlplane"
	"github.com/s3am/s3-access-manager/webhook"
)

// operatorNamespace is the namespace the webhooks are told the operator runs in.
const operatorNamespace = "s3am-system"

// hooked is the control plane with the webhooks installed and served by mgr.
var (
	hooked *controlplane.Env
	mgr    ctrl.Manager
)

func TestMain(m *testing.M) {
	controlplane.Main(m, "test/validation", controlplane.Options{Webhooks: true}, func(e *controlplane.Env) int {
		hooked = e
		return run(m)
	})
}

func run(m *testing.M) int {
	ctrl.SetLogger(logr.Discard())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done, err := serveWebhooks(ctx, hooked)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer func() { cancel(); <-done }()
	if err := applyFixtures(hooked); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return m.Run()
}

// serveWebhooks starts a manager whose webhook server listens where envtest
// pointed the installed webhook configurations, and waits until it answers.
// The returned channel closes when the manager has stopped.
func serveWebhooks(ctx context.Context, env *controlplane.Env) (<-chan struct{}, error) {
	wh := env.Webhook
	var err error
	mgr, err = ctrl.NewManager(env.Config, ctrl.Options{
		Scheme:                 env.Scheme,
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
		WebhookServer: crwebhook.NewServer(crwebhook.Options{
			Host: wh.LocalServingHost, Port: wh.LocalServingPort, CertDir: wh.LocalServingCertDir,
		}),
	})
	if err != nil {
		return nil, fmt.Errorf("manager: %w", err)
	}
	if err := webhook.Setup(mgr, webhook.Options{OperatorNamespace: operatorNamespace}); err != nil {
		return nil, err
	}
	done := make(chan struct{})
	errc := make(chan error, 1)
	go func() {
		defer close(done)
		errc <- mgr.Start(ctx)
	}()
	started := mgr.GetWebhookServer().StartedChecker()
	deadline := time.Now().Add(time.Minute)
	for {
		select {
		case err := <-errc:
			return done, fmt.Errorf("manager stopped: %w", err)
		case <-time.After(100 * time.Millisecond):
		}
		err := started(nil)
		if err == nil {
			return done, nil
		}
		if time.Now().After(deadline) {
			return done, fmt.Errorf("webhook server not serving after a minute: %w", err)
		}
	}
}
