package cli

import (
	"flag"
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"go.uber.org/zap/zapcore"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	"github.com/s3am/s3-access-manager/internal/demo"
)

func newDemoCommand() *cobra.Command {
	o := demo.Options{}
	// The demo prints its own instructions; controller logs only show errors
	// unless --zap-log-level says otherwise.
	logOpts := zap.Options{Level: zapcore.ErrorLevel}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run everything locally on loopback: control plane, MinIO, s3am all, sample grants",
		Long: "demo starts a real kube-apiserver and etcd (from --assets), a MinIO with the partner-data bucket,\n" +
			"and `s3am all` (controllers, webhooks, partner server and web app), applies config/samples, prints\n" +
			"the web app's URL, the demo users and a kubeconfig, and waits.\n" +
			"Ctrl-C stops everything and removes its temporary files.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctrl.SetLogger(zap.New(zap.UseFlagOptions(&logOpts)))
			o.Out = cmd.OutOrStdout()
			if o.Binary == "" {
				self, err := os.Executable()
				if err != nil {
					return fmt.Errorf("find the s3am program: %w", err)
				}
				o.Binary = self
			}
			return demo.Run(cmd.Context(), o)
		},
	}
	cmd.Flags().StringVar(&o.Listen, "listen", "127.0.0.1:8080", "loopback address of the web app and partner API")
	cmd.Flags().StringVar(&o.Assets, "assets", envOr("KUBEBUILDER_ASSETS", "bin/k8s"), "directory with kube-apiserver, etcd and kubectl (make envtest-assets)")
	cmd.Flags().StringVar(&o.MinIO, "minio", envOr("S3AM_MINIO", "bin/minio"), "MinIO server binary (make minio)")
	zapFlags := flag.NewFlagSet("zap", flag.ContinueOnError)
	logOpts.BindFlags(zapFlags)
	cmd.Flags().AddGoFlagSet(zapFlags)
	return cmd
}
