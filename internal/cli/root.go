// Package cli holds the s3am subcommands. cmd/s3am only wires them together.
package cli

import (
	"github.com/spf13/cobra"
)

// NewRoot returns the s3am command with every subcommand.
func NewRoot() *cobra.Command {
	root := &cobra.Command{
		Use:           "s3am",
		Short:         "s3-access-manager: prefix-scoped access to S3 buckets, declared with Kubernetes resources",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(newOperatorCommand(), newPolicyCommand(), newCanICommand(), newWhoCanCommand(), newExportGrantsCommand(), newDemoCommand(), newAuditCommand(), newServerCommand(), newAllCommand())
	return root
}
