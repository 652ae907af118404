package cli

import (
	"github.com/spf13/cobra"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
)

func newAllCommand() *cobra.Command {
	var (
		op  operatorOptions
		srv serverOptions
	)
	cmd := &cobra.Command{
		Use:   "all",
		Short: "Run the operator (controllers, webhooks) and the server in one process",
		Long: "all runs what `s3am operator` and `s3am server` run, sharing one informer cache. The reconcilers\n" +
			"still wait for the leader lease; the server and its authorization index serve on every replica.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctrl.SetLogger(zap.New(zap.UseFlagOptions(&op.zap)))
			mgr, err := op.manager()
			if err != nil {
				return err
			}
			if err := op.setup(cmd.Context(), mgr); err != nil {
				return err
			}
			s, err := srv.setup(cmd.Context(), mgr)
			if err != nil {
				return err
			}
			defer s.close()
			return serve(cmd.Context(), s.log, mgr, s.handler, srv, s.recorder, &s.draining)
		},
	}
	op.bindFlags(cmd.Flags())
	srv.bindFlags(cmd.Flags(), false)
	return cmd
}
