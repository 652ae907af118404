package cli

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	"github.com/s3am/s3-access-manager/internal/app"
)

// operatorOptions are the flags of `s3am operator`: the settings app builds
// the operator from, and the log's.
type operatorOptions struct {
	app.OperatorOptions
	zap zap.Options
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
	d := app.DefaultOperatorOptions()
	f.StringVar(&o.Namespace, "namespace", envOr("POD_NAMESPACE", d.Namespace), "the operator's namespace: it may grant anything, and holds the leader lease and policy ConfigMaps")
	f.StringVar(&o.MetricsAddr, "metrics-bind-address", d.MetricsAddr, "address of the controllers' Prometheus metrics endpoint; 0 disables it")
	f.StringVar(&o.ProbeAddr, "health-probe-bind-address", d.ProbeAddr, "address of /healthz and /readyz")
	f.StringVar(&o.PprofAddr, "pprof-bind-address", d.PprofAddr, "address of Go's /debug/pprof profiles (e.g. 127.0.0.1:6060, for `make loadtest`); 0 disables them")
	f.IntVar(&o.ExpiryWarningDays, "expiry-warning-days", d.ExpiryWarningDays, "days before a grant's validUntil when it turns ExpiringSoon with a Warning Event; 0 turns the warning off")
	f.BoolVar(&o.LeaderElection.Enabled, "leader-elect", d.LeaderElection.Enabled, "elect a leader so that only one replica writes")
	f.DurationVar(&o.LeaderElection.LeaseDuration, "leader-elect-lease-duration", d.LeaderElection.LeaseDuration, "how long standbys wait after the leader's last renewal before taking over")
	f.DurationVar(&o.LeaderElection.RenewDeadline, "leader-elect-renew-deadline", d.LeaderElection.RenewDeadline, "how long the leader retries renewing before it steps down; less than the lease duration")
	f.DurationVar(&o.LeaderElection.RetryPeriod, "leader-elect-retry-period", d.LeaderElection.RetryPeriod, "pause between attempts to acquire or renew the lease")
	f.IntVar(&o.WebhookPort, "webhook-port", d.WebhookPort, "port of the admission webhook server")
	f.Float32Var(&o.KubeAPIQPS, "kube-api-qps", d.KubeAPIQPS, "queries per second to the API server, per API group; a cold start writes one status patch per grant. Negative: no client-side limit (the API server's priority and fairness still applies)")
	f.IntVar(&o.KubeAPIBurst, "kube-api-burst", d.KubeAPIBurst, "burst of queries to the API server")
	f.IntVar(&o.MaxConcurrentReconciles, "max-concurrent-reconciles", d.MaxConcurrentReconciles, "PrefixGrants reconciled at once; each waits on one status patch at most")
	f.StringVar(&o.WebhookCertDir, "webhook-cert-dir", d.WebhookCertDir, "directory with tls.crt and tls.key for the webhook server (default: controller-runtime's)")
	zapFlags := flag.NewFlagSet("zap", flag.ContinueOnError)
	o.zap.BindFlags(zapFlags)
	f.AddGoFlagSet(zapFlags)
}

// manager builds the operator's manager from the kubeconfig.
func (o *operatorOptions) manager() (ctrl.Manager, error) {
	cfg, err := ctrl.GetConfig()
	if err != nil {
		return nil, fmt.Errorf("kubeconfig: %w", err)
	}
	return app.NewOperatorManager(cfg, o.OperatorOptions)
}

// setup registers the reconcilers, the webhooks and the probes on mgr.
func (o *operatorOptions) setup(ctx context.Context, mgr ctrl.Manager) error {
	return app.SetupOperator(ctx, mgr, o.OperatorOptions)
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
