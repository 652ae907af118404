package cli

import (
	"github.com/spf13/cobra"
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
			log := newLogger(&op.zap)
			mgr, err := op.manager()
			if err != nil {
				return err
			}
			if err := op.setup(cmd.Context(), mgr); err != nil {
				return err
			}
			return srv.run(cmd.Context(), mgr, log)
		},
	}
	op.bindFlags(cmd.Flags())
	srv.bindFlags(cmd.Flags(), false)
	return cmd
}
