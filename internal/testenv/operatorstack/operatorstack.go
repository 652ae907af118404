// Package operatorstack runs, inside a test binary, what `s3am all` runs on
// a real control plane: the operator's controllers and a server's index
// feeder on one manager, for tests that serve the partner API in-process.
package operatorstack

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

// OperatorNamespace is the operator's namespace, created by Main.
const OperatorNamespace = "s3am-system"

// Stack is the running operator and index feeder.
type Stack struct {
	// Env is the control plane.
	Env *controlplane.Env
	// Index is fed from the manager's cache, as in `s3am server`.
	Index *authz.Index
	// Cache reads through the manager's informers, as the server does.
	Cache client.Client
	// Indexer is the manager's field indexer and Reader its uncached
	// reader, for the server's AccessLinks.
	Indexer client.FieldIndexer
	Reader  client.Reader
	// Connections, once a test stores its server's, have their scoped
	// credentials invalidated on every index change, as in `s3am server`.
	Connections atomic.Pointer[server.Connections]
}

// Main runs the package's tests (m) against a shared control plane (see
// controlplane.Main) with the stack started and synced; use receives it
// before any test runs. S3AM_TEST_LOG set shows the controllers' logs.
func Main(m *testing.M, pkg string, use func(*Stack)) {
	controlplane.Main(m, pkg, controlplane.Options{}, func(e *controlplane.Env) int {
		code, err := run(m, e, use)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		return code
	})
}

func run(m *testing.M, env *controlplane.Env, use func(*Stack)) (int, error) {
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
	if err := controllers.Setup(ctx, mgr, controllers.Options{OperatorNamespace: OperatorNamespace}); err != nil {
		return 0, err
	}
	s := &Stack{Env: env, Index: authz.New(), Cache: mgr.GetClient(), Indexer: mgr.GetFieldIndexer(), Reader: mgr.GetAPIReader()}
	feeder := &controllers.IndexFeeder{Client: mgr.GetClient(), Index: s.Index, OnChange: func() {
		if c := s.Connections.Load(); c != nil {
			c.Invalidate()
		}
	}}
	if err := feeder.SetupWithManager(mgr); err != nil {
		return 0, err
	}
	if err := env.Client.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: OperatorNamespace}}); err != nil {
		return 0, fmt.Errorf("namespace: %w", err)
	}
	stop, err := controlplane.StartManager(ctx, mgr, s.Index.Synced)
	if err != nil {
		return 0, err
	}
	use(s)
	code := m.Run()
	return code, stop()
}
