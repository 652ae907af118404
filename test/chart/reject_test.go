package chart_test

import (
	"strings"
	"testing"
)

// TestRenderRejects checks that values which would deploy something broken
// or unsafe stop the render with a message saying what to change: the strict
// schema for unknown keys, enums and patterns, and the templates' checks for
// combinations the schema cannot express.
func TestRenderRejects(t *testing.T) {
	cases := []struct {
		name string
		set  []string
		want string
	}{
		{"unknown key", []string{"server.replica=3"}, "additional properties 'replica' not allowed"},
		{"audit store enum", []string{"server.audit.store=mysql"}, "/server/audit/store"},
		{"failure policy enum", []string{"server.audit.failurePolicy=maybe"}, "/server/audit/failurePolicy"},
		{"image digest pattern", []string{"image.digest=latest"}, "/image/digest"},
		{"extra arg is a flag", []string{"operator.extraArgs[0]=rm -rf"}, "/operator/extraArgs/0"},
		{"trusted CIDR pattern", []string{"server.auth.proxy.trustedCIDRs[0]=everyone"}, "/server/auth/proxy/trustedCIDRs/0"},
		{"issuerRef needs a kind", []string{"certManager.enabled=true", "certManager.issuerRef.name=ca"}, "issuerRef"},
		{"no authentication", []string{"server.auth.serviceAccounts=false"}, "no way to authenticate"},
		{"OIDC without client", []string{"server.auth.oidc.issuer=https://login.example.com"}, "clientID is required"},
		{"several operators without election", []string{"operator.leaderElect=false"}, "leaderElect must be true"},
		{"shared SQLite PVC", []string{"server.audit.sqlite.persistence.enabled=true"}, "needs server.replicas 1"},
		{"postgres without DSN", []string{"server.audit.store=postgres"}, "postgres.existingSecret is required"},
		{"ingress without host", []string{"server.ingress.enabled=true"}, "ingress.host is required"},
		{"link webhook without its key", []string{"server.links.webhook.url=https://hooks.example.com/s3am"}, "needs server.links.webhook.existingSecret"},
		{"link webhook URL pattern", []string{"server.links.webhook.url=ftp://x"}, "/server/links/webhook/url"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := []string{"template", releaseName, chartDir(t), "--namespace", releaseNamespace}
			for _, s := range c.set {
				args = append(args, "--set", s)
			}
			out, err := helm(t, args...)
			if err == nil {
				t.Fatalf("rendered with %v:\n%.400s", c.set, out)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error does not mention %q:\n%v", c.want, err)
			}
		})
	}
}
