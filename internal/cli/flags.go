package cli

import (
	"context"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/s3am/s3-access-manager/internal/audit/sqlite"
)

// commandGroup is a command that only holds subcommands (s3am audit,
// s3am policy).
func commandGroup(use, short string, subcommands ...*cobra.Command) *cobra.Command {
	cmd := &cobra.Command{Use: use, Short: short}
	cmd.AddCommand(subcommands...)
	return cmd
}

// grantSource are the flags that say where grants are read from: manifests
// offline (-f) or the live cluster (--kubeconfig, $KUBECONFIG or in-cluster).
type grantSource struct {
	files             []string
	kubeconfig        string
	operatorNamespace string
}

func (s *grantSource) bind(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringSliceVarP(&s.files, "filename", "f", nil, "YAML or JSON files or directories with S3Connections and PrefixGrants (offline mode)")
	f.StringVar(&s.kubeconfig, "kubeconfig", "", "kubeconfig of the cluster to ask (cluster mode, without -f)")
	f.StringVar(&s.operatorNamespace, "operator-namespace", "s3am-system", "namespace that may grant anything (offline delegation checks)")
	cmd.MarkFlagsMutuallyExclusive("filename", "kubeconfig")
}

// offline reports whether the grants come from manifests.
func (s *grantSource) offline() bool { return len(s.files) > 0 }

// outputFlag registers -o/--output, the format a command prints in.
func outputFlag(f *pflag.FlagSet, dst *string, def, usage string) {
	f.StringVarP(dst, "output", "o", def, usage)
}

// auditDatabase is the required --sqlite flag of the audit commands: the
// database they read and never write.
type auditDatabase struct {
	path string
}

func (d *auditDatabase) bind(cmd *cobra.Command) {
	cmd.Flags().StringVar(&d.path, "sqlite", "", "the SQLite audit database (opened read-only)")
	_ = cmd.MarkFlagRequired("sqlite")
}

// open opens the database read-only; the caller closes it.
func (d *auditDatabase) open(ctx context.Context) (*sqlite.Store, error) {
	return sqlite.Open(ctx, d.path, sqlite.Options{ReadOnly: true})
}
