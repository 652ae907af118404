package cli

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
	"github.com/s3am/s3-access-manager/internal/authz"
	"github.com/s3am/s3-access-manager/internal/convert"
	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/keys"
	"github.com/s3am/s3-access-manager/internal/manifest"
)

type canIOptions struct {
	source     grantSource
	user       string
	groups     []string
	connection string
}

func newCanICommand() *cobra.Command {
	o := canIOptions{}
	cmd := &cobra.Command{
		Use:   "can-i [--user U] [--group G]... read|write|list|delete s3://BUCKET/KEY -f FILE|DIR",
		Short: "Answer whether a user may act on a key, from PrefixGrant YAML; exits 0 for yes, 1 for no",
		Long: "can-i decides with the same authorization index the server uses. With -f it reads the grants\n" +
			"that would be Ready from files, offline; without -f it reads the live grants and connections of\n" +
			"the cluster (--kubeconfig, $KUBECONFIG or in-cluster). For list, give a folder: s3://bucket/folder/\n" +
			"(or s3://bucket/ for the root).",
		Example: "  s3am can-i --user alice@partner-a.com write s3://partner-data/partner-a/uploads/x.pdf -f config/samples",
		Args:    cobra.ExactArgs(2),
		RunE:    func(cmd *cobra.Command, args []string) error { return runCanI(cmd, o, args) },
	}
	o.source.bind(cmd)
	f := cmd.Flags()
	f.StringVar(&o.user, "user", "", "the user name")
	f.StringArrayVar(&o.groups, "group", nil, "a group of the user; repeat for several")
	f.StringVar(&o.connection, "connection", "", "the connection (default: the one annotated default)")
	return cmd
}

func runCanI(cmd *cobra.Command, o canIOptions, args []string) error {
	perm, err := grant.ParsePermission(args[0])
	if err != nil {
		return err
	}
	bucket, key, err := parseS3URL(args[1])
	if err != nil {
		return err
	}
	if o.user == "" && len(o.groups) == 0 {
		return fmt.Errorf("give --user, --group or both")
	}
	p := grant.Principal{User: o.user, Groups: o.groups}
	if !o.source.offline() {
		ix, conn, err := clusterIndex(cmd.Context(), o.source.kubeconfig, o.connection)
		if err != nil {
			return err
		}
		return answer(cmd, ix, p, perm, conn, bucket, key)
	}
	set, err := manifest.Load(o.source.files...)
	if err != nil {
		return err
	}
	conn, err := canIConnection(set.Connections, o.connection)
	if err != nil {
		return err
	}
	grants, err := offlineGrants(set, o.source.operatorNamespace, time.Now(), cmd.ErrOrStderr())
	if err != nil {
		return err
	}
	ix := authz.New()
	if err := ix.Replace(grants); err != nil {
		return err
	}
	for _, c := range set.Connections {
		ix.SetConnectionReady(c.Name, !c.Spec.Suspend)
	}
	ix.MarkSynced()
	return answer(cmd, ix, p, perm, conn, bucket, key)
}

// answer prints yes or no with the deciding grant and returns an ExitError for no.
func answer(cmd *cobra.Command, ix *authz.Index, p grant.Principal, perm grant.Permission, conn, bucket, key string) error {
	out := cmd.OutOrStdout()
	if perm == grant.List {
		d := ix.CanList(p, conn, bucket, key)
		switch {
		case d.Allowed && d.Mode == authz.ListBreadcrumb:
			fmt.Fprintf(out, "yes (only the folders leading to your grants: %s)\n", strings.Join(d.Folders, ", "))
			return nil
		case d.Allowed:
			fmt.Fprintf(out, "yes (grant %s)\n", d.Grant)
			return nil
		}
		fmt.Fprintln(out, "no")
		return &ExitError{Code: 1, Message: "no: " + explain(d.Reason, d.KeyReason, d.Detail, d.Grant)}
	}
	d := ix.Decide(p, perm, conn, bucket, key)
	if d.Allowed {
		fmt.Fprintf(out, "yes (grant %s)\n", d.Grant)
		return nil
	}
	fmt.Fprintln(out, "no")
	return &ExitError{Code: 1, Message: "no: " + explain(d.Reason, d.KeyReason, d.Detail, d.Grant)}
}

// explain words a denial: the reason code, why the key is invalid, and the
// grant that covers the key without the permission.
func explain(reason authz.Reason, keyReason keys.Reason, detail, grantID string) string {
	msg := string(reason)
	if keyReason != "" {
		msg += fmt.Sprintf(" (%s: %s)", keyReason, detail)
	}
	if grantID != "" {
		msg += ", covered by grant " + grantID + " without this permission"
	}
	return msg
}

// canIConnection picks the connection: the flag, else the single default
// among conns, as a grant that names none would.
func canIConnection(conns []v1alpha1.S3Connection, name string) (string, error) {
	if name != "" {
		return name, nil
	}
	name, err := convert.ResolveConnection(&v1alpha1.PrefixGrant{}, conns)
	if err != nil {
		return "", fmt.Errorf("give --connection: %w", err)
	}
	return name, nil
}

// parseS3URL splits s3://bucket/key.
func parseS3URL(u string) (bucket, key string, err error) {
	rest, ok := strings.CutPrefix(u, "s3://")
	if !ok {
		return "", "", fmt.Errorf("%q: write the object as s3://BUCKET/KEY", u)
	}
	bucket, key, _ = strings.Cut(rest, "/")
	if bucket == "" {
		return "", "", fmt.Errorf("%q: the bucket is missing", u)
	}
	return bucket, key, nil
}
