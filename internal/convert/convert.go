// Package convert translates API objects into the plain models of the pure
// packages (grant, policy). Controllers, the webhook and the CLI share it, so
// every part of the product reads a PrefixGrant the same way.
package convert

import (
	"fmt"
	"strings"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/policy"
)

// Grant converts a PrefixGrant. The grant's connection must already be
// resolved (a defaulted grant names it; see ResolveConnection).
func Grant(pg *v1alpha1.PrefixGrant) (grant.Grant, error) {
	names := make([]string, len(pg.Spec.Permissions))
	for i, p := range pg.Spec.Permissions {
		names[i] = string(p)
	}
	perms, err := grant.ParsePermissions(names)
	if err != nil {
		return grant.Grant{}, fmt.Errorf("prefixgrant %s/%s: %w", pg.Namespace, pg.Name, err)
	}
	g := grant.Grant{
		Namespace:   pg.Namespace,
		Name:        pg.Name,
		Connection:  pg.Spec.Connection,
		Bucket:      string(pg.Spec.Bucket),
		Prefix:      string(pg.Spec.Prefix),
		Permissions: perms,
		Subjects:    make([]grant.Subject, len(pg.Spec.Subjects)),
	}
	if pg.Spec.WholeBucket {
		g.Prefix = ""
	}
	if u := pg.Spec.ValidUntil; u != nil {
		g.ValidUntil = u.Time
	}
	for i, s := range pg.Spec.Subjects {
		g.Subjects[i] = grant.Subject{Kind: grant.SubjectKind(s.Kind), Name: s.Name}
	}
	if u := pg.Spec.Upload; u != nil {
		if u.MaxObjectSize != nil {
			g.MaxObjectSize = u.MaxObjectSize.Value()
		}
		g.AllowedContentTypes = u.AllowedContentTypes
	}
	if pg.Spec.ValidUntil != nil {
		g.ValidUntil = pg.Spec.ValidUntil.Time
	}
	return g, nil
}

// Connection converts an S3Connection into what the policy generator needs.
// KMS permissions are IAM's business on AWS only: S3-compatible servers
// (MinIO) refuse kms: resources in policies and authorize SSE-KMS through
// their own KMS configuration.
func Connection(c *v1alpha1.S3Connection) policy.Connection {
	pc := policy.Connection{Name: c.Name, Partition: Partition(c.Spec.Region)}
	if c.Spec.KMS != nil && c.Spec.Provider == v1alpha1.ProviderAWS {
		pc.KMSKeyARN = c.Spec.KMS.KeyARN
	}
	return pc
}

// Partition returns the ARN partition of an AWS region; S3-compatible servers
// use "aws" in their ARNs as well.
func Partition(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	case strings.HasPrefix(region, "us-iso-"):
		return "aws-iso"
	case strings.HasPrefix(region, "us-isob-"):
		return "aws-iso-b"
	}
	return "aws"
}

// IsDefault reports whether c carries the default-connection annotation.
func IsDefault(c *v1alpha1.S3Connection) bool {
	return c.Annotations[v1alpha1.DefaultConnectionAnnotation] == "true"
}

// ResolveConnection returns the connection a grant uses: the one it names, or
// else the single default among conns. It fails when the grant names none and
// there is not exactly one default.
func ResolveConnection(pg *v1alpha1.PrefixGrant, conns []v1alpha1.S3Connection) (string, error) {
	if pg.Spec.Connection != "" {
		return pg.Spec.Connection, nil
	}
	var defaults []string
	for i := range conns {
		if IsDefault(&conns[i]) {
			defaults = append(defaults, conns[i].Name)
		}
	}
	switch len(defaults) {
	case 1:
		return defaults[0], nil
	case 0:
		return "", fmt.Errorf("prefixgrant %s/%s names no connection and no S3Connection is annotated %s: \"true\"", pg.Namespace, pg.Name, v1alpha1.DefaultConnectionAnnotation)
	}
	return "", fmt.Errorf("prefixgrant %s/%s names no connection and several S3Connections are default (%s); name one", pg.Namespace, pg.Name, strings.Join(defaults, ", "))
}
