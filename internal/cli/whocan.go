package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/s3am/s3-access-manager/internal/accessreview"
	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/manifest"
	"github.com/s3am/s3-access-manager/internal/reviewsource"
)

// writeReview reads every grant with its state and writes, in format, a
// line per subject of those q selects.
func (s *grantSource) writeReview(cmd *cobra.Command, q accessreview.Query, format accessreview.Format) error {
	entries, err := s.entries(cmd.Context())
	if err != nil {
		return err
	}
	rows, err := accessreview.Select(entries, q)
	if err != nil {
		return err
	}
	return accessreview.Write(cmd.OutOrStdout(), format, rows)
}

// entries reads every grant with its state, for an access review.
func (s *grantSource) entries(ctx context.Context) ([]accessreview.Entry, error) {
	now := time.Now()
	if s.offline() {
		set, err := manifest.Load(s.files...)
		if err != nil {
			return nil, err
		}
		return reviewsource.Offline(set, s.operatorNamespace, now), nil
	}
	c, err := clusterClient(s.kubeconfig)
	if err != nil {
		return nil, err
	}
	return reviewsource.Read(ctx, c, now)
}

type whoCanOptions struct {
	source     grantSource
	users      []string
	groups     []string
	connection string
	inEffect   bool
	output     string
}

func newWhoCanCommand() *cobra.Command {
	o := whoCanOptions{}
	cmd := &cobra.Command{
		Use:   "who-can [read|write|list|delete] [s3://BUCKET/PREFIX/] [--user U] [--group G]... [-f FILE|DIR]",
		Short: "List every user and group that can reach a bucket prefix, or everything a user or group can do",
		Long: "who-can lists, for each subject (user or group) of each grant that reaches the target, the grant,\n" +
			"its permissions, its validity and whether it is in effect now (status Ready) or why not (Expired,\n" +
			"NotYetValid, OutsideDelegation, ConnectionNotReady, ...). A folder s3://bucket/prefix/ is reached by\n" +
			"a grant covering some key under it, on segment boundaries: a grant on partner-a/uploads/ reaches\n" +
			"s3://bucket/partner-a/ and s3://bucket/partner-a/uploads/2024/, never s3://bucket/partner-a/uploads-evil/.\n" +
			"Without a trailing \"/\" the target is one object key. A permission keeps the grants that give it.\n" +
			"\n" +
			"With --user or --group alone it lists everything those subjects can do. Groups come from the identity\n" +
			"provider, so --user shows the grants that name the user; add --group for each of the user's groups.\n" +
			"\n" +
			"With -f it reads manifests offline (a connection counts as ready when it exists and is not\n" +
			"suspended); otherwise the live cluster (--kubeconfig, $KUBECONFIG or in-cluster).",
		Example: "  s3am who-can write s3://partner-data/partner-a/uploads/ -f config/samples\n" +
			"  s3am who-can --user alice@partner-a.com -o json --kubeconfig ~/.kube/config",
		Args: cobra.MaximumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error { return runWhoCan(cmd, o, args) },
	}
	o.source.bind(cmd)
	f := cmd.Flags()
	f.StringArrayVar(&o.users, "user", nil, "a user; repeat for several")
	f.StringArrayVar(&o.groups, "group", nil, "a group; repeat for several")
	f.StringVar(&o.connection, "connection", "", "only grants of this connection (default: all)")
	f.BoolVar(&o.inEffect, "in-effect", false, "only grants in effect now")
	outputFlag(f, &o.output, "text", "output format: text, json or csv")
	return cmd
}

func runWhoCan(cmd *cobra.Command, o whoCanOptions, args []string) error {
	q, err := o.query(args)
	if err != nil {
		return err
	}
	format, err := accessreview.ParseFormat(o.output)
	if err != nil || format == accessreview.FormatJSONL {
		return fmt.Errorf("-o %q: use text, json or csv", o.output)
	}
	return o.source.writeReview(cmd, q, format)
}

// query reads [PERMISSION] [s3://BUCKET/PATH] and the subject flags.
func (o *whoCanOptions) query(args []string) (accessreview.Query, error) {
	q := accessreview.Query{Connection: o.connection, InEffectOnly: o.inEffect}
	if len(args) == 2 {
		p, err := grant.ParsePermission(args[0])
		if err != nil {
			return q, err
		}
		q.Permission = p
		args = args[1:]
	}
	if len(args) == 1 {
		if p, err := grant.ParsePermission(args[0]); err == nil {
			return q, fmt.Errorf("who-can %s: give the folder too, as s3://BUCKET/PREFIX/", p)
		}
		bucket, path, err := parseS3URL(args[0])
		if err != nil {
			return q, err
		}
		q.Bucket, q.Path = bucket, path
	}
	for _, u := range o.users {
		q.Subjects = append(q.Subjects, grant.Subject{Kind: grant.User, Name: u})
	}
	for _, g := range o.groups {
		q.Subjects = append(q.Subjects, grant.Subject{Kind: grant.Group, Name: g})
	}
	if q.Bucket == "" && len(q.Subjects) == 0 {
		return q, fmt.Errorf("give s3://BUCKET/PREFIX/, --user or --group (s3am export-grants lists every grant)")
	}
	return q, q.Validate()
}

type exportOptions struct {
	source grantSource
	output string
}

func newExportGrantsCommand() *cobra.Command {
	o := exportOptions{}
	cmd := &cobra.Command{
		Use:   "export-grants [-o csv|jsonl] [-f FILE|DIR]",
		Short: "Export every grant, one line per subject, for periodic recertification",
		Long: "export-grants writes one line per subject of every PrefixGrant: subject, connection, bucket, prefix,\n" +
			"permissions, validFrom/validUntil, namespace/name, status, whether it is in effect, and when its\n" +
			"Ready condition last changed. CSV neutralizes values a spreadsheet would run as formulas (prefixed\n" +
			"with \"'\"); JSON lines keep the exact values.",
		Example: "  s3am export-grants -o csv --kubeconfig ~/.kube/config > grants.csv",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			format, err := accessreview.ParseFormat(o.output)
			if err != nil || format != accessreview.FormatCSV && format != accessreview.FormatJSONL {
				return fmt.Errorf("-o %q: use csv or jsonl", o.output)
			}
			return o.source.writeReview(cmd, accessreview.Query{}, format)
		},
	}
	o.source.bind(cmd)
	outputFlag(cmd.Flags(), &o.output, "csv", "output format: csv or jsonl")
	return cmd
}
