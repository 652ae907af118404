// Package demo runs s3-access-manager on one machine: a real control plane
// (the kube-apiserver, etcd and kubectl `make envtest-assets` builds), a real
// MinIO with the partner-data bucket, and the operator with its webhooks,
// with the seed's sample grants applied. Everything binds to loopback and is
// removed when the context ends.
package demo

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	ctrlwebhook "sigs.k8s.io/controller-runtime/pkg/webhook"

	"github.com/s3am/s3-access-manager/controllers"
	"github.com/s3am/s3-access-manager/internal/authz"
	"github.com/s3am/s3-access-manager/internal/objects"
	s3amscheme "github.com/s3am/s3-access-manager/internal/scheme"
	"github.com/s3am/s3-access-manager/server"
	"github.com/s3am/s3-access-manager/webhook"
)

// OperatorNamespace is the namespace the demo operator runs as.
const OperatorNamespace = "s3am-system"

// Options say where the demo finds its programs and where it reports.
type Options struct {
	// Assets is the directory of kube-apiserver, etcd and kubectl.
	Assets string
	// MinIO is the MinIO server binary.
	MinIO string
	// Listen is the loopback address of the partner API.
	Listen string
	// Out receives the instructions for the user.
	Out io.Writer
	// Logs receives the server's logs and audit events as JSON lines;
	// discarded if nil.
	Logs io.Writer
	// Ready, if set, is called with the running demo once it is up.
	Ready func(*Running)
}

// Running describes a demo that is up.
type Running struct {
	// URL is the partner API.
	URL        string
	Kubeconfig string
	Kubectl    string
	MinIO      string
	Index      *authz.Index
	Config     *rest.Config
}

// Run starts the demo and blocks until ctx ends, then stops everything.
func Run(ctx context.Context, opts Options) error {
	if err := checkLoopback(opts.Listen); err != nil {
		return err
	}
	if opts.Logs == nil {
		opts.Logs = io.Discard
	}
	dir, err := os.MkdirTemp("", "s3am-demo-")
	if err != nil {
		return fmt.Errorf("demo dir: %w", err)
	}
	defer os.RemoveAll(dir)

	fmt.Fprintln(opts.Out, "starting MinIO ...")
	minio, err := startMinIO(ctx, opts.MinIO)
	if err != nil {
		return err
	}
	defer minio.Stop()
	if err := seedBucket(ctx, minio); err != nil {
		return err
	}

	fmt.Fprintln(opts.Out, "starting the control plane ...")
	env, err := controlPlane(opts.Assets)
	if err != nil {
		return err
	}
	defer func() { _ = env.Stop() }()
	kubeconfig, err := writeKubeconfig(env, dir)
	if err != nil {
		return err
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	op, errs, err := startOperator(ctx, env, opts.Logs)
	if err != nil {
		return err
	}
	index := op.index
	c, err := client.New(env.Config, client.Options{Scheme: env.Scheme})
	if err != nil {
		return fmt.Errorf("client: %w", err)
	}
	if err := applySamples(ctx, c, minio); err != nil {
		return err
	}
	if err := waitSettled(ctx, c, index); err != nil {
		return err
	}
	stopServer, err := startServer(ctx, opts.Listen, dir, op)
	if err != nil {
		return err
	}
	defer stopServer()
	running := &Running{URL: "http://" + opts.Listen, Kubeconfig: kubeconfig, Kubectl: filepath.Join(opts.Assets, "kubectl"), MinIO: minio.Endpoint, Index: index, Config: env.Config}
	printInstructions(opts.Out, running)
	if opts.Ready != nil {
		opts.Ready(running)
	}
	select {
	case <-ctx.Done():
	case err := <-errs:
		if err != nil {
			return fmt.Errorf("operator: %w", err)
		}
	}
	fmt.Fprintln(opts.Out, "stopping ...")
	return nil
}

func controlPlane(assets string) (*envtest.Environment, error) {
	crdList, err := crds()
	if err != nil {
		return nil, err
	}
	mutating, validating, err := webhookConfigurations()
	if err != nil {
		return nil, err
	}
	scheme, err := s3amscheme.New()
	if err != nil {
		return nil, err
	}
	env := &envtest.Environment{
		BinaryAssetsDirectory: assets,
		CRDInstallOptions:     envtest.CRDInstallOptions{CRDs: crdList},
		WebhookInstallOptions: envtest.WebhookInstallOptions{MutatingWebhooks: mutating, ValidatingWebhooks: validating},
		Scheme:                scheme,
	}
	if _, err := env.Start(); err != nil {
		return nil, fmt.Errorf("start control plane from %s (run `make envtest-assets`): %w", assets, err)
	}
	return env, nil
}

func writeKubeconfig(env *envtest.Environment, dir string) (string, error) {
	admin, err := env.AddUser(envtest.User{Name: "demo-admin", Groups: []string{"system:masters"}}, nil)
	if err != nil {
		return "", fmt.Errorf("demo admin: %w", err)
	}
	kc, err := admin.KubeConfig()
	if err != nil {
		return "", fmt.Errorf("demo kubeconfig: %w", err)
	}
	path := filepath.Join(dir, "kubeconfig")
	if err := os.WriteFile(path, kc, 0o600); err != nil {
		return "", fmt.Errorf("write kubeconfig: %w", err)
	}
	return path, nil
}

// operator is what the demo's in-process operator gives the server.
type operator struct {
	index  *authz.Index
	conns  *server.Connections
	client client.Client
	logs   io.Writer
}

// startOperator runs the controllers, the webhooks and an index feeder in
// this process, and waits until the webhooks serve and the index has synced.
func startOperator(ctx context.Context, env *envtest.Environment, logs io.Writer) (*operator, <-chan error, error) {
	hooks := env.WebhookInstallOptions
	mgr, err := ctrl.NewManager(env.Config, ctrl.Options{
		Scheme:        env.Scheme,
		Metrics:       metricsserver.Options{BindAddress: "0"},
		WebhookServer: ctrlwebhook.NewServer(ctrlwebhook.Options{Host: hooks.LocalServingHost, Port: hooks.LocalServingPort, CertDir: hooks.LocalServingCertDir}),
	})
	if err != nil {
		return nil, nil, fmt.Errorf("manager: %w", err)
	}
	if err := controllers.Setup(ctx, mgr, controllers.Options{OperatorNamespace: OperatorNamespace}); err != nil {
		return nil, nil, err
	}
	if err := webhook.Setup(mgr, webhook.Options{OperatorNamespace: OperatorNamespace}); err != nil {
		return nil, nil, err
	}
	op := &operator{index: authz.New(), client: mgr.GetClient(), logs: logs}
	op.conns = server.NewConnections(mgr.GetClient(), objects.Options{Grants: server.ReadyGrantsFrom(mgr.GetClient())})
	if err := (&controllers.IndexFeeder{Client: mgr.GetClient(), Index: op.index, OnChange: op.conns.Invalidate}).SetupWithManager(mgr); err != nil {
		return nil, nil, err
	}
	errs := make(chan error, 1)
	go func() { errs <- mgr.Start(ctx) }()
	deadline := time.Now().Add(60 * time.Second)
	for mgr.GetWebhookServer().StartedChecker()(nil) != nil || !op.index.Synced() {
		select {
		case err := <-errs:
			return nil, nil, fmt.Errorf("operator stopped: %w", err)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return nil, nil, fmt.Errorf("operator did not start within 60s")
		}
	}
	return op, errs, nil
}
