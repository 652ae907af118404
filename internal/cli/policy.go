package cli

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/s3am/s3-access-manager/internal/convert"
	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/manifest"
	"github.com/s3am/s3-access-manager/internal/policy"
)

func newPolicyCommand() *cobra.Command {
	return commandGroup("policy", "Render and lint IAM policies offline", newPolicyRenderCommand(), newPolicyLintCommand())
}

type renderOptions struct {
	files             []string
	connection        string
	subjects          []string
	limit             string
	operatorNamespace string
	output            string
}

func newPolicyRenderCommand() *cobra.Command {
	o := renderOptions{}
	cmd := &cobra.Command{
		Use:   "render -f FILE|DIR [--connection NAME] [--subject user:NAME|group:NAME]...",
		Short: "Print the IAM policy documents generated from S3Connection and PrefixGrant YAML",
		Long: "Without --subject, prints each connection's policy (the union of its grants). With --subject,\n" +
			"prints the session policy of that user and groups: only their grants.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runRender(cmd, o) },
	}
	f := cmd.Flags()
	f.StringSliceVarP(&o.files, "filename", "f", nil, "YAML or JSON files or directories with S3Connections and PrefixGrants")
	f.StringVar(&o.connection, "connection", "", "only this connection (default: every connection)")
	f.StringArrayVar(&o.subjects, "subject", nil, "user:NAME or group:NAME; repeat for a user and its groups")
	f.StringVar(&o.limit, "limit", "inline", "size limit for connection policies: inline (10,240 for a role's inline policies) or managed (6,144 per managed policy)")
	f.StringVar(&o.operatorNamespace, "operator-namespace", "s3am-system", "namespace that may grant anything (for delegation checks)")
	outputFlag(f, &o.output, outputText, "text (each document after a # line naming it), json (pure JSON: one document, or an array of them) or yaml (the same as YAML)")
	_ = cmd.MarkFlagRequired("filename")
	return cmd
}

func runRender(cmd *cobra.Command, o renderOptions) error {
	set, err := manifest.Load(o.files...)
	if err != nil {
		return err
	}
	limit, err := limitByName(o.limit)
	if err != nil {
		return err
	}
	if err := checkOutputFormat(o.output); err != nil {
		return err
	}
	var principal *grant.Principal
	if len(o.subjects) > 0 {
		p, err := parseSubjects(o.subjects)
		if err != nil {
			return err
		}
		principal = &p
	}
	grants, err := offlineGrants(set, o.operatorNamespace, time.Now(), cmd.ErrOrStderr())
	if err != nil {
		return err
	}
	var docs []renderedDocument
	found := false
	for i := range set.Connections {
		c := &set.Connections[i]
		if o.connection != "" && c.Name != o.connection {
			continue
		}
		found = true
		conn := convert.Connection(c)
		mine := grantsOn(grants, c.Name)
		var connDocs []policy.Document
		if principal != nil {
			d, err := policy.SessionPolicyFor(conn, mine, *principal)
			if err != nil {
				return fmt.Errorf("connection %s: %w", c.Name, err)
			}
			connDocs = []policy.Document{d}
		} else if connDocs, err = policy.ConnectionPolicy(conn, mine, limit); err != nil {
			return fmt.Errorf("connection %s: %w", c.Name, err)
		}
		rendered, err := policy.Render(connDocs)
		if err != nil {
			return err
		}
		for n, b := range rendered {
			docs = append(docs, renderedDocument{connection: c.Name, n: n + 1, of: len(rendered), json: b})
		}
	}
	if !found {
		return fmt.Errorf("no S3Connection %q in %s", o.connection, strings.Join(o.files, ", "))
	}
	return writeDocuments(cmd.OutOrStdout(), o.output, docs)
}

func grantsOn(grants []grant.Grant, connection string) []grant.Grant {
	var out []grant.Grant
	for _, g := range grants {
		if g.Connection == connection {
			out = append(out, g)
		}
	}
	return out
}

func limitByName(name string) (policy.Limit, error) {
	switch name {
	case "inline":
		return policy.InlineRoleLimit, nil
	case "managed":
		return policy.ManagedPolicyLimit, nil
	case "session":
		return policy.SessionPolicyLimit, nil
	}
	return policy.Limit{}, fmt.Errorf("unknown --limit %q: use inline, managed or session", name)
}

// parseSubjects reads user:NAME and group:NAME into a principal.
func parseSubjects(subjects []string) (grant.Principal, error) {
	var p grant.Principal
	for _, s := range subjects {
		kind, name, ok := strings.Cut(s, ":")
		switch {
		case !ok || name == "":
			return p, fmt.Errorf("subject %q: write user:NAME or group:NAME", s)
		case kind == "user" && p.User != "":
			return p, fmt.Errorf("subject %q: only one user may be given", s)
		case kind == "user":
			p.User = name
		case kind == "group":
			p.Groups = append(p.Groups, name)
		default:
			return p, fmt.Errorf("subject %q: kind must be user or group", s)
		}
	}
	return p, nil
}

func printFinding(w io.Writer, f policy.Finding) {
	where := "document"
	if f.Statement >= 0 {
		where = fmt.Sprintf("statement %d", f.Statement)
		if f.Sid != "" {
			where += fmt.Sprintf(" (%s)", f.Sid)
		}
	}
	fmt.Fprintf(w, "%s: %s: %s: %s\n", f.Severity, where, f.Code, f.Message)
	if f.Fix != "" {
		fmt.Fprintf(w, "    fix: %s\n", f.Fix)
	}
}

type lintOptions struct {
	file      string
	kmsKeyARN string
}

func newPolicyLintCommand() *cobra.Command {
	o := lintOptions{}
	cmd := &cobra.Command{
		Use:   "lint -f POLICY.json [--kms-key-arn ARN]",
		Short: "Check an IAM policy document for mistakes that break S3 uploads and reads; exits 1 on errors",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			b, err := os.ReadFile(o.file)
			if err != nil {
				return fmt.Errorf("read policy: %w", err)
			}
			d, err := policy.Parse(b)
			if err != nil {
				return err
			}
			findings := policy.Lint(d, policy.LintOptions{KMSKeyARN: o.kmsKeyARN})
			out := cmd.OutOrStdout()
			for _, f := range findings {
				printFinding(out, f)
			}
			if policy.HasErrors(findings) {
				return &ExitError{Code: 1, Message: fmt.Sprintf("%s: %d finding(s), with errors", o.file, len(findings))}
			}
			fmt.Fprintf(out, "%s: %d finding(s), no errors\n", o.file, len(findings))
			return nil
		},
	}
	cmd.Flags().StringVarP(&o.file, "filename", "f", "", "the policy document (JSON)")
	cmd.Flags().StringVar(&o.kmsKeyARN, "kms-key-arn", "", "the connection's KMS key: flag missing KMS actions")
	_ = cmd.MarkFlagRequired("filename")
	return cmd
}
