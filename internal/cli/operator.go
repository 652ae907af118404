package cli

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	ctrlwebhook "sigs.k8s.io/controller-runtime/pkg/webhook"

	"github.com/s3am/s3-access-manager/controllers"
	s3amscheme "github.com/s3am/s3-access-manager/internal/scheme"
	"github.com/s3am/s3-access-manager/webhook"
)

// leaderElectionTiming is how the replicas hold the leader lease; the
// defaults are controller-runtime's.
type leaderElectionTiming struct {
	// leaseDuration is how long a standby waits after the last renewal before
	// it takes the lease over: the longest a killed leader leaves no writer.
	leaseDuration time.Duration
	// renewDeadline is how long the leader keeps retrying a renewal before it
	// gives the lease up and exits.
	renewDeadline time.Duration
	// retryPeriod is the pause between attempts to acquire or renew.
	retryPeriod time.Duration
}

// operatorOptions are the flags of `s3am operator`.
type operatorOptions struct {
	namespace      string
	metricsAddr    string
	pprofAddr      string
	probeAddr      string
	leaderElect    bool
	leaderElection leaderElectionTiming
	webhookPort    int
	webhookCertDir string
	apiQPS         float32
	apiBurst       int
	// expiryWarningDays is how many days before validUntil grants turn
	// ExpiringSoon; 0 turns the warning off.
	expiryWarningDays int
	zap               zap.Options
}

func newOperatorCommand() *cobra.Command {
	o := operatorOptions{}
	cmd := &cobra.Command{
		Use:   "operator",
		Short: "Run the controllers and admission webhooks",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			newLogger(&o.zap)
			mgr, err := o.manager()
			if err != nil {
				return err
			}
			if err := o.setup(cmd.Context(), mgr); err != nil {
				return err
			}
			return mgr.Start(cmd.Context())
		},
	}
	o.bindFlags(cmd.Flags())
	return cmd
}

// bindFlags registers the operator's flags, the API client's and the log's.
func (o *operatorOptions) bindFlags(f *pflag.FlagSet) {
	f.StringVar(&o.namespace, "namespace", envOr("POD_NAMESPACE", "s3am-system"), "the operator's namespace: it may grant anything, and holds the leader lease and policy ConfigMaps")
	f.StringVar(&o.metricsAddr, "metrics-bind-address", ":9090", "address of the controllers' Prometheus metrics endpoint; 0 disables it")
	f.StringVar(&o.probeAddr, "health-probe-bind-address", ":8081", "address of /healthz and /readyz")
	f.StringVar(&o.pprofAddr, "pprof-bind-address", "0", "address of Go's /debug/pprof profiles (e.g. 127.0.0.1:6060, for `make loadtest`); 0 disables them")
	f.IntVar(&o.expiryWarningDays, "expiry-warning-days", 14, "days before a grant's validUntil when it turns ExpiringSoon with a Warning Event; 0 turns the warning off")
	f.BoolVar(&o.leaderElect, "leader-elect", true, "elect a leader so that only one replica writes")
	f.DurationVar(&o.leaderElection.leaseDuration, "leader-elect-lease-duration", 15*time.Second, "how long standbys wait after the leader's last renewal before taking over")
	f.DurationVar(&o.leaderElection.renewDeadline, "leader-elect-renew-deadline", 10*time.Second, "how long the leader retries renewing before it steps down; less than the lease duration")
	f.DurationVar(&o.leaderElection.retryPeriod, "leader-elect-retry-period", 2*time.Second, "pause between attempts to acquire or renew the lease")
	f.IntVar(&o.webhookPort, "webhook-port", 9443, "port of the admission webhook server")
	f.Float32Var(&o.apiQPS, "kube-api-qps", 50, "queries per second to the API server; status patches of many grants need more than client-go's default 5")
	f.IntVar(&o.apiBurst, "kube-api-burst", 100, "burst of queries to the API server")
	f.StringVar(&o.webhookCertDir, "webhook-cert-dir", "", "directory with tls.crt and tls.key for the webhook server (default: controller-runtime's)")
	zapFlags := flag.NewFlagSet("zap", flag.ContinueOnError)
	o.zap.BindFlags(zapFlags)
	f.AddGoFlagSet(zapFlags)
}

// manager builds the operator's manager: leader election, metrics, probes
// and the webhook server.
func (o *operatorOptions) manager() (ctrl.Manager, error) {
	scheme, err := s3amscheme.New()
	if err != nil {
		return nil, err
	}
	cfg, err := ctrl.GetConfig()
	if err != nil {
		return nil, fmt.Errorf("kubeconfig: %w", err)
	}
	cfg.QPS, cfg.Burst = o.apiQPS, o.apiBurst
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:                  scheme,
		Metrics:                 metricsserver.Options{BindAddress: o.metricsAddr},
		HealthProbeBindAddress:  o.probeAddr,
		PprofBindAddress:        o.pprofAddr,
		LeaderElection:          o.leaderElect,
		LeaderElectionID:        "s3am-operator.s3am.io",
		LeaderElectionNamespace: o.namespace,
		LeaseDuration:           &o.leaderElection.leaseDuration,
		RenewDeadline:           &o.leaderElection.renewDeadline,
		RetryPeriod:             &o.leaderElection.retryPeriod,
		// A stopping leader hands the lease over at once instead of leaving
		// the standbys to wait out the lease duration; safe because the
		// process exits right after the manager stops.
		LeaderElectionReleaseOnCancel: true,
		WebhookServer:                 ctrlwebhook.NewServer(ctrlwebhook.Options{Port: o.webhookPort, CertDir: o.webhookCertDir}),
	})
	if err != nil {
		return nil, fmt.Errorf("manager: %w", err)
	}
	return mgr, nil
}

// setup registers the reconcilers (leader only), the webhooks and the
// operator's probes on mgr.
func (o *operatorOptions) setup(ctx context.Context, mgr ctrl.Manager) error {
	if err := controllers.Setup(ctx, mgr, controllers.Options{OperatorNamespace: o.namespace, ExpiryWarning: o.expiryWarning()}); err != nil {
		return err
	}
	if err := webhook.Setup(mgr, webhook.Options{OperatorNamespace: o.namespace}); err != nil {
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

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// expiryWarning is the flag as controllers.Options wants it: negative for
// off, since zero there means the default.
func (o *operatorOptions) expiryWarning() time.Duration {
	if o.expiryWarningDays <= 0 {
		return -1
	}
	return time.Duration(o.expiryWarningDays) * 24 * time.Hour
}
