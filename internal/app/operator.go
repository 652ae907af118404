package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	ctrlwebhook "sigs.k8s.io/controller-runtime/pkg/webhook"

	"github.com/s3am/s3-access-manager/controllers"
	s3amscheme "github.com/s3am/s3-access-manager/internal/scheme"
	"github.com/s3am/s3-access-manager/webhook"
)

// LeaderElection is how the operator's replicas hold the leader lease.
type LeaderElection struct {
	// Enabled elects a leader so that only one replica writes.
	Enabled bool
	// LeaseDuration is how long a standby waits after the last renewal before
	// it takes the lease over: the longest a killed leader leaves no writer.
	LeaseDuration time.Duration
	// RenewDeadline is how long the leader keeps retrying a renewal before it
	// gives the lease up and exits.
	RenewDeadline time.Duration
	// RetryPeriod is the pause between attempts to acquire or renew.
	RetryPeriod time.Duration
}

// OperatorOptions are the settings of `s3am operator` (and the operator half
// of `s3am all`): its manager, reconcilers and webhooks. internal/cli binds
// one flag to each field, with DefaultOperatorOptions' values as defaults.
type OperatorOptions struct {
	// Namespace may grant anything, and holds the leader lease and the
	// policy ConfigMaps.
	Namespace string
	// MetricsAddr, ProbeAddr and PprofAddr are the addresses of the
	// controllers' metrics, /healthz and /readyz, and Go's profiles; "0"
	// disables metrics and profiles.
	MetricsAddr, ProbeAddr, PprofAddr string
	// LeaderElection is the lease's timing.
	LeaderElection LeaderElection
	// WebhookPort and WebhookCertDir are the admission webhook server's port
	// and the directory of its tls.crt and tls.key ("" is controller-runtime's).
	WebhookPort    int
	WebhookCertDir string
	// KubeAPIQPS and KubeAPIBurst limit the client's requests per second to
	// the API server, per API group; a negative QPS turns the client-side
	// limit off and leaves it to the API server's priority and fairness.
	KubeAPIQPS   float32
	KubeAPIBurst int
	// MaxConcurrentReconciles is how many PrefixGrants are reconciled at once.
	MaxConcurrentReconciles int
	// ExpiryWarningDays is how many days before validUntil grants turn
	// ExpiringSoon; 0 turns the warning off.
	ExpiryWarningDays int
}

// Defaults of the client's rate limit. A cold start writes one status patch
// per grant, so a limit sets its pace: client-go's 5 per second (or Flux's 50)
// mark 10,000 grants Ready in 33 (or 3.3) minutes. 200 with a burst of 300 is
// what Karpenter, another controller that writes a status per object, runs
// with; the API server's priority and fairness still protects it.
const (
	DefaultKubeAPIQPS   = 200
	DefaultKubeAPIBurst = 300
)

// DefaultOperatorOptions are the flags' defaults.
func DefaultOperatorOptions() OperatorOptions {
	return OperatorOptions{
		Namespace:   "s3am-system",
		MetricsAddr: ":9090",
		ProbeAddr:   ":8081",
		PprofAddr:   "0",
		// controller-runtime's defaults.
		LeaderElection: LeaderElection{Enabled: true, LeaseDuration: 15 * time.Second, RenewDeadline: 10 * time.Second, RetryPeriod: 2 * time.Second},
		WebhookPort:    9443,
		KubeAPIQPS:     DefaultKubeAPIQPS, KubeAPIBurst: DefaultKubeAPIBurst,
		MaxConcurrentReconciles: controllers.DefaultMaxConcurrentReconciles,
		ExpiryWarningDays:       14,
	}
}

// Validate refuses settings the manager would misread or fail on later:
// it reports every problem at once, naming the flag.
func (o OperatorOptions) Validate() error {
	var errs []error
	if o.Namespace == "" {
		errs = append(errs, errors.New("--namespace is required"))
	}
	if o.KubeAPIQPS > 0 && o.KubeAPIBurst < 1 {
		errs = append(errs, fmt.Errorf("--kube-api-burst must be at least 1 while --kube-api-qps is %g", o.KubeAPIQPS))
	}
	if o.KubeAPIQPS == 0 {
		// client-go reads 0 as its own default of 5 per second.
		errs = append(errs, errors.New("--kube-api-qps must not be 0: give a rate, or a negative value to turn the client-side limit off"))
	}
	if o.MaxConcurrentReconciles < 1 {
		errs = append(errs, fmt.Errorf("--max-concurrent-reconciles must be at least 1, not %d", o.MaxConcurrentReconciles))
	}
	if o.ExpiryWarningDays < 0 {
		errs = append(errs, fmt.Errorf("--expiry-warning-days must not be negative (0 turns the warning off), not %d", o.ExpiryWarningDays))
	}
	if o.WebhookPort < 1 || o.WebhookPort > 65535 {
		errs = append(errs, fmt.Errorf("--webhook-port %d is not a port", o.WebhookPort))
	}
	if le := o.LeaderElection; le.Enabled {
		// client-go's leader election refuses these (with the same jitter
		// factor, 1.2) only once the manager runs; a mistyped flag should
		// stop the process before it connects.
		if le.RetryPeriod <= 0 || le.RenewDeadline <= time.Duration(1.2*float64(le.RetryPeriod)) || le.LeaseDuration <= le.RenewDeadline {
			errs = append(errs, fmt.Errorf("leader election needs --leader-elect-lease-duration (%s) > --leader-elect-renew-deadline (%s) > 1.2 × --leader-elect-retry-period (%s) > 0",
				le.LeaseDuration, le.RenewDeadline, le.RetryPeriod))
		}
	}
	return errors.Join(errs...)
}

// RESTConfig returns a copy of cfg with the options' client rate limit.
func (o OperatorOptions) RESTConfig(cfg *rest.Config) *rest.Config {
	c := rest.CopyConfig(cfg)
	c.QPS, c.Burst = o.KubeAPIQPS, o.KubeAPIBurst
	return c
}

// ManagerOptions are the manager's settings: leader election, metrics,
// probes, profiles, the webhook server, and an informer cache without
// managedFields.
func (o OperatorOptions) ManagerOptions(scheme *runtime.Scheme) ctrl.Options {
	le := o.LeaderElection
	return ctrl.Options{
		Scheme:                  scheme,
		Metrics:                 metricsserver.Options{BindAddress: o.MetricsAddr},
		HealthProbeBindAddress:  o.ProbeAddr,
		PprofBindAddress:        o.PprofAddr,
		LeaderElection:          le.Enabled,
		LeaderElectionID:        "s3am-operator.s3am.io",
		LeaderElectionNamespace: o.Namespace,
		LeaseDuration:           &le.LeaseDuration,
		RenewDeadline:           &le.RenewDeadline,
		RetryPeriod:             &le.RetryPeriod,
		// A stopping leader hands the lease over at once instead of leaving
		// the standbys to wait out the lease duration; safe because the
		// process exits right after the manager stops.
		LeaderElectionReleaseOnCancel: true,
		WebhookServer:                 ctrlwebhook.NewServer(ctrlwebhook.Options{Port: o.WebhookPort, CertDir: o.WebhookCertDir}),
		// Nothing reads managedFields (status is merge-patched), and they
		// are a third of a cached grant: every copy and the heap of 10,000
		// grants shrink without them.
		Cache: cache.Options{DefaultTransform: cache.TransformStripManagedFields()},
	}
}

// NewOperatorManager validates o and builds the operator's manager on cfg
// (the kubeconfig's), with the options' rate limit.
func NewOperatorManager(cfg *rest.Config, o OperatorOptions) (ctrl.Manager, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	scheme, err := s3amscheme.New()
	if err != nil {
		return nil, err
	}
	mgr, err := ctrl.NewManager(o.RESTConfig(cfg), o.ManagerOptions(scheme))
	if err != nil {
		return nil, fmt.Errorf("manager: %w", err)
	}
	return mgr, nil
}

// ControllerOptions are the reconcilers' settings.
func (o OperatorOptions) ControllerOptions() controllers.Options {
	return controllers.Options{OperatorNamespace: o.Namespace, ExpiryWarning: o.expiryWarning(), MaxConcurrentReconciles: o.MaxConcurrentReconciles}
}

// expiryWarning is the days as controllers.Options wants them: negative for
// off, since zero there means the default.
func (o OperatorOptions) expiryWarning() time.Duration {
	if o.ExpiryWarningDays <= 0 {
		return -1
	}
	return time.Duration(o.ExpiryWarningDays) * 24 * time.Hour
}

// SetupOperator registers the reconcilers (leader only), the webhooks and
// the operator's probes on mgr.
func SetupOperator(ctx context.Context, mgr ctrl.Manager, o OperatorOptions) error {
	if err := controllers.Setup(ctx, mgr, o.ControllerOptions()); err != nil {
		return err
	}
	if err := webhook.Setup(mgr, webhook.Options{OperatorNamespace: o.Namespace}); err != nil {
		return fmt.Errorf("webhooks: %w", err)
	}
	if err := mgr.AddHealthzCheck("healthz", healthz.Ping); err != nil {
		return fmt.Errorf("healthz: %w", err)
	}
	if err := mgr.AddReadyzCheck("webhook", mgr.GetWebhookServer().StartedChecker()); err != nil {
		return fmt.Errorf("readyz: %w", err)
	}
	return nil
}
