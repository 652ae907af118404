// Package operatorstack runs, inside a test binary, what `s3am all` runs on
// a real control plane: the operator's controllers and a server's index
// feeder on one manager, for tests that serve the partner API in-process.
package operatorstack

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"

	"go.uber.org/zap/zapcore"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/s3am/s3-access-manager/controllers"
	"github.com/s3am/s3-access-manager/internal/app"
	"github.com/s3am/s3-access-manager/internal/authz"
	"github.com/s3am/s3-access-manager/internal/testenv/controlplane"
)

// OperatorNamespace is the operator's namespace, created by Main.
const OperatorNamespace = "s3am-system"

// Stack is the running operator and index feeder.
type Stack struct {
	// Env is the control plane.
	Env *controlplane.Env
	// Feed is the index and its feeder, as in `s3am server`: tests serve the
	// partner API over it with app.NewServer.
	Feed *app.Feed
	// Index is Feed's index.
	Index *authz.Index
	// Cache reads through the manager's informers, as the server does.
	Cache client.Client
}

// Main runs the package's tests (m) against a shared control plane (see
// controlplane.Main) with the stack started and synced; use receives it
// before any test runs, and may prepare more (an error fails the run).
// S3AM_TEST_LOG set shows the controllers' logs.
func Main(m *testing.M, pkg string, use func(*Stack) error) {
	controlplane.Main(m, pkg, controlplane.Options{}, func(e *controlplane.Env) int {
		code, err := run(m, e, use)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		return code
	})
}

func run(m *testing.M, env *controlplane.Env, use func(*Stack) error) (int, error) {
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
	feed, err := app.NewFeed(mgr)
	if err != nil {
		return 0, err
	}
	s := &Stack{Env: env, Feed: feed, Index: feed.Index, Cache: feed.Cache}
	if err := env.Client.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: OperatorNamespace}}); err != nil {
		return 0, fmt.Errorf("namespace: %w", err)
	}
	stop, err := controlplane.StartManager(ctx, mgr, s.Index.Synced)
	if err != nil {
		return 0, err
	}
	if err := use(s); err != nil {
		return 0, errors.Join(err, stop())
	}
	code := m.Run()
	return code, stop()
}
