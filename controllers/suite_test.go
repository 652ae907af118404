package controllers_test

import (
	"context"
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
	"github.com/s3am/s3-access-manager/internal/authz"
	"github.com/s3am/s3-access-manager/internal/testenv/controlplane"
)

const operatorNamespace = "s3am-system"

var (
	env   *controlplane.Env
	index *authz.Index
	k8s   client.Client
)

// TestMain runs one control plane with the operator's reconcilers and an
// index feeder for the whole package; each test brings its own MinIO.
func TestMain(m *testing.M) {
	controlplane.Main(m, "controllers", controlplane.Options{}, func(e *controlplane.Env) int {
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
	ctrl.SetLogger(zap.New(zap.UseDevMode(true), zap.WriteTo(os.Stderr), zap.Level(zapLevel())))

	mgr, err := ctrl.NewManager(env.Config, ctrl.Options{
		Scheme:  env.Scheme,
		Metrics: metricsserver.Options{BindAddress: "0"},
	})
	if err != nil {
		return 0, fmt.Errorf("manager: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := controllers.Setup(ctx, mgr, controllers.Options{OperatorNamespace: operatorNamespace}); err != nil {
		return 0, err
	}
	index = authz.New()
	if err := (&controllers.IndexFeeder{Client: mgr.GetClient(), Index: index}).SetupWithManager(mgr); err != nil {
		return 0, err
	}
	k8s = env.Client
	for _, ns := range []string{operatorNamespace, "team-x", "partner-b-ops"} {
		if err := k8s.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
			return 0, fmt.Errorf("namespace %s: %w", ns, err)
		}
	}
	stop, err := controlplane.StartManager(ctx, mgr, index.Synced)
	if err != nil {
		return 0, err
	}
	code := m.Run()
	return code, stop()
}

// zapLevel keeps reconciler logs quiet unless S3AM_TEST_LOG is set.
func zapLevel() zapcore.Level {
	if os.Getenv("S3AM_TEST_LOG") != "" {
		return zapcore.DebugLevel
	}
	return zapcore.ErrorLevel
}
