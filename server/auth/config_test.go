package auth_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/s3am/s3-access-manager/internal/testenv/oidcissuer"

	"github.com/s3am/s3-access-manager/server/auth"
)

func TestSecretsAreNeverShown(t *testing.T) {
	c := auth.Config{
		OIDC:    auth.OIDCConfig{IssuerURL: "https://issuer.example", ClientSecret: "hunter2"},
		Session: auth.SessionConfig{Key: "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTMyYg==", PreviousKeys: []auth.Secret{"b2xkLWtleQ=="}},
	}
	c.SetDefaults()
	if c.OIDC.ClientSecret.Reveal() != "hunter2" || c.Session.Lifetime != auth.DefaultSessionLifetime ||
		c.ServiceAccounts.CacheSize != auth.DefaultReviewCacheSize || !slices.Equal(c.ServiceAccounts.Audiences, []string{"s3am"}) ||
		c.OIDC.UsernameClaim != "email" || c.OIDC.GroupsClaim != "groups" || c.Proxy.Username != "email" {
		t.Fatalf("config %+v", c)
	}
	asJSON, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, shown := range []string{fmt.Sprintf("%v", c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c), string(asJSON)} {
		if strings.Contains(shown, "hunter2") || strings.Contains(shown, "c2VjcmV0") || strings.Contains(shown, "b2xkLWtleQ") {
			t.Fatalf("a secret is shown: %s", shown)
		}
	}
}

func TestSafeRedirect(t *testing.T) {
	for _, kept := range []string{"/", "/browse/bucket?p=a%2Fb#x"} {
		if got := auth.SafeRedirect(kept); got != kept {
			t.Errorf("%q: got %q", kept, got)
		}
	}
	// Whatever could leave this server, or is no plain path, goes home.
	for _, away := range []string{
		"", "//evil.example", "///evil.example", "/\\evil.example", "/a\\b", "https://evil.example/",
		"javascript:alert(1)", "evil.example", "/\t/evil.example", "/\n/evil.example", "/" + strings.Repeat("a", 3000),
	} {
		if got := auth.SafeRedirect(away); got != "/" {
			t.Errorf("%q: got %q, want /", away, got)
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
