// Package browser_test drives the partners' web app in headless Chromium
// against the real server (server.New with webui.Register), the operator's
// controllers and index feeder on a real control plane, and a real MinIO
// that the browser uploads to through presigned URLs. People sign in
// through the demo picker, as the demo's visitors do.
package browser_test

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"
	"testing"

	"go.uber.org/zap/zapcore"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/s3am/s3-access-manager/controllers"
	"github.com/s3am/s3-access-manager/internal/authz"
	"github.com/s3am/s3-access-manager/internal/testenv/controlplane"
	"github.com/s3am/s3-access-manager/server"
)

const operatorNamespace = "s3am-system"

var (
	env   *controlplane.Env
	index *authz.Index
	k8s   client.Client
	// cache reads through the manager's informers, as the server does.
	cache client.Client
	// connections are the running server's; the index feeder invalidates
	// their scoped credentials on every change, as in `s3am server`.
	connections atomic.Pointer[server.Connections]
)

func TestMain(m *testing.M) {
	controlplane.Main(m, "test/browser", controlplane.Options{}, func(e *controlplane.Env) int {
		env = e
		code, err := run(m)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		return code
	})
}

func run(m *testing.M) (int, error) {
	level := zapcore.ErrorLevel
	if os.Getenv("S3AM_TEST_LOG") != "" {
		level = zapcore.DebugLevel
	}
	ctrl.SetLogger(zap.New(zap.UseDevMode(true), zap.WriteTo(os.Stderr), zap.Level(level)))
	mgr, err := ctrl.NewManager(env.Config, ctrl.Options{Scheme: env.Scheme, Metrics: metricsserver.Options{BindAddress: "0"}})
	if err != nil {
		return 0, fmt.Errorf("manager: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := controllers.Setup(ctx, mgr, controllers.Options{OperatorNamespace: operatorNamespace}); err != nil {
		return 0, err
	}
	index = authz.New()
	feeder := &controllers.IndexFeeder{Client: mgr.GetClient(), Index: index, OnChange: func() {
		if c := connections.Load(); c != nil {
			c.Invalidate()
		}
	}}
	if err := feeder.SetupWithManager(mgr); err != nil {
		return 0, err
	}
	k8s, cache = env.Client, mgr.GetClient()
	if err := k8s.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: operatorNamespace}}); err != nil {
		return 0, fmt.Errorf("namespace: %w", err)
	}
	stop, err := controlplane.StartManager(ctx, mgr, index.Synced)
	if err != nil {
		return 0, err
	}
	code := m.Run()
	return code, stop()
}
