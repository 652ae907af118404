package auth_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/s3am/s3-access-manager/internal/testenv/oidcissuer"

	"sigs.k8s.io/yaml"

	"github.com/s3am/s3-access-manager/server/auth"
)

func TestConfigFile(t *testing.T) {
	const doc = `
oidc:
  issuerURL: https://issuer.example
  clientID: s3am
  clientSecret: hunter2
  redirectURL: https://s3am.example/auth/callback
session:
  key: c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTMyYg==
  lifetime: 4h
serviceAccounts:
  enabled: true
  audiences: [s3am]
  cacheTTL: 15s
proxy:
  trustedCIDRs: [10.0.0.0/8]
`
	var c auth.Config
	if err := yaml.UnmarshalStrict([]byte(doc), &c); err != nil {
		t.Fatal(err)
	}
	c.SetDefaults()
	if c.OIDC.ClientSecret.Reveal() != "hunter2" || time.Duration(c.Session.Lifetime) != 4*time.Hour ||
		time.Duration(c.ServiceAccounts.CacheTTL) != 15*time.Second || c.ServiceAccounts.CacheSize != auth.DefaultReviewCacheSize ||
		c.OIDC.UsernameClaim != "email" || c.OIDC.GroupsClaim != "groups" || c.Proxy.Username != "email" {
		t.Fatalf("config %+v", c)
	}
	for _, shown := range []string{fmt.Sprintf("%v", c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c), mustJSON(t, c)} {
		if strings.Contains(shown, "hunter2") || strings.Contains(shown, "c2VjcmV0") {
			t.Fatalf("a secret is shown: %s", shown)
		}
	}
	if !strings.Contains(mustJSON(t, c), `"lifetime":"4h0m0s"`) {
		t.Fatalf("lifetime not written as a duration: %s", mustJSON(t, c))
	}
	var bad auth.Config
	if err := yaml.Unmarshal([]byte("session:\n  lifetime: forever\n"), &bad); err == nil {
		t.Fatal("bad duration accepted")
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestSafeRedirect(t *testing.T) {
	for in, want := range map[string]string{
		"":                              "/",
		"/":                             "/",
		"/browse/bucket?p=a%2Fb#x":      "/browse/bucket?p=a%2Fb#x",
		"//evil.example":                "/",
		"///evil.example":               "/",
		"/\\evil.example":               "/",
		"/a\\b":                         "/",
		"https://evil.example/":         "/",
		"javascript:alert(1)":           "/",
		"evil.example":                  "/",
		"/\t/evil.example":              "/",
		"/\n/evil.example":              "/",
		"/" + strings.Repeat("a", 3000): "/",
	} {
		if got := auth.SafeRedirect(in); got != want {
			t.Errorf("%q: got %q, want %q", in, got, want)
		}
	}
}

func TestNewStack(t *testing.T) {
	if _, err := auth.NewStack(t.Context(), auth.Config{}, nil, nil); err == nil {
		t.Fatal("empty config accepted")
	}
	if _, err := auth.NewStack(t.Context(), auth.Config{ServiceAccounts: auth.ServiceAccountConfig{Enabled: true}}, nil, nil); err == nil {
		t.Fatal("service accounts without a Kubernetes client accepted")
	}
	is := oidcissuer.Start(t)
	_, err := auth.NewStack(t.Context(), auth.Config{OIDC: auth.OIDCConfig{IssuerURL: is.URL(), ClientID: "c", RedirectURL: "https://x/auth/callback"}}, nil, nil)
	if err == nil {
		t.Fatal("browser login without a session key accepted")
	}
	_, err = auth.NewStack(t.Context(), auth.Config{OIDC: auth.OIDCConfig{IssuerURL: is.URL() + "/", ClientID: "c"}}, nil, nil)
	if err == nil {
		t.Fatal("issuer URL differing from the discovered issuer accepted")
	}
	_, err = auth.NewStack(t.Context(), auth.Config{OIDC: auth.OIDCConfig{IssuerURL: is.URL(), ClientID: "c", SigningAlgs: []string{"HS256"}}}, nil, nil)
	if err == nil {
		t.Fatal("HS256 accepted")
	}
	s, err := auth.NewStack(t.Context(), auth.Config{OIDC: auth.OIDCConfig{IssuerURL: is.URL(), ClientID: "c"}}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Chain) != 1 || s.Sessions != nil {
		t.Fatalf("bearer-only stack %+v", s)
	}
}
