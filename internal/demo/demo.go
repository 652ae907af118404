// Package demo runs s3-access-manager on one machine: a real control plane
// (the kube-apiserver, etcd and kubectl `make envtest-assets` builds), a real
// MinIO with the partner-data bucket, and `s3am all` (the controllers, the
// webhooks and the partner server with its web app), with the seed's sample
// grants applied. Everything binds to loopback and is
// removed when the context ends.
package demo

import (
	"context"
	"fmt"
	"io"
	"os"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/s3am/s3-access-manager/internal/launch"
)

// OperatorNamespace is the namespace the demo operator runs as.
const OperatorNamespace = "s3am-system"

// Options say where the demo finds its programs and where it reports.
type Options struct {
	// Assets is the directory of kube-apiserver, etcd and kubectl.
	Assets string
	// MinIO is the MinIO server binary.
	MinIO string
	// Listen is the loopback address of the partner server and web app.
	Listen string
	// Binary is the s3am program the demo runs as `s3am all`.
	Binary string
	// Out receives the instructions for the user.
	Out io.Writer
	// Logs receives the server's logs and audit events as JSON lines;
	// discarded if nil.
	Logs io.Writer
	// Ready, if set, is called with the running demo once it is up.
	Ready func(*Running)
	// AuditPostgresDSN, if set, keeps the audit trail in this PostgreSQL
	// database instead of the demo's SQLite file.
	AuditPostgresDSN string
	// Args are more flags for `s3am all`, e.g. --pprof-bind-address.
	Args []string
}

// Running describes a demo that is up.
type Running struct {
	// URL is the web app and the partner API.
	URL        string
	Kubeconfig string
	Kubectl    string
	MinIO      string
	Config     *rest.Config
	// ProcessGroups are those of the demo's children (MinIO, `s3am all`):
	// none is left once Run returns.
	ProcessGroups []int
}

// Run starts the demo and blocks until ctx ends, then stops everything.
// The operator and the server are one `s3am all` process, run with the
// flags a deployment gives it.
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
	minio, err := startMinIO(ctx, opts.MinIO, dir)
	if err != nil {
		return err
	}
	defer minio.Stop()
	if err := seedBucket(ctx, minio); err != nil {
		return err
	}

	fmt.Fprintln(opts.Out, "starting the control plane ...")
	cp, err := controlPlane(opts.Assets)
	if err != nil {
		return err
	}
	defer func() { _ = cp.Stop() }()
	c := cp.Client
	// The operator's namespace holds its lease and the connection's keys
	// before the samples (which declare it too) are applied.
	if err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: OperatorNamespace}}); err != nil {
		return fmt.Errorf("namespace %s: %w", OperatorNamespace, err)
	}
	if err := c.Create(ctx, demoSecret(minio)); err != nil {
		return fmt.Errorf("demo secret: %w", err)
	}

	fmt.Fprintln(opts.Out, "starting s3am all (controllers, webhooks, server) ...")
	all, err := startAll(ctx, opts, cp, dir, minio)
	if err != nil {
		return err
	}
	defer all.Stop()
	if err := applySamples(ctx, c, minio); err != nil {
		return err
	}
	if err := waitSettled(ctx, c, "http://"+opts.Listen); err != nil {
		return err
	}
	running := &Running{URL: "http://" + opts.Listen, Kubeconfig: cp.Kubeconfig, Kubectl: cp.Kubectl, MinIO: minio.Endpoint, Config: cp.Config,
		ProcessGroups: []int{minio.Process.Pid(), all.Pid()}}
	printInstructions(opts.Out, running)
	if opts.Ready != nil {
		opts.Ready(running)
	}
	select {
	case <-ctx.Done():
	case <-all.Exited():
		return fmt.Errorf("s3am all stopped: %v", all.Err())
	}
	fmt.Fprintln(opts.Out, "stopping ...")
	return nil
}

// controlPlane starts the control plane with the CRDs and webhook
// configurations built into the program.
func controlPlane(assets string) (*launch.ControlPlane, error) {
	crdList, err := crds()
	if err != nil {
		return nil, err
	}
	mutating, validating, err := webhookConfigurations()
	if err != nil {
		return nil, err
	}
	return launch.StartControlPlane(launch.ControlPlaneOptions{
		Assets:   assets,
		CRDs:     envtest.CRDInstallOptions{CRDs: crdList},
		Webhooks: envtest.WebhookInstallOptions{MutatingWebhooks: mutating, ValidatingWebhooks: validating},
		Admin:    "demo-admin",
	})
}
