package auth_test

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/s3am/s3-access-manager/server/auth"
)

func parseFlags(t *testing.T, args ...string) *auth.Flags {
	t.Helper()
	var f auth.Flags
	fs := pflag.NewFlagSet("server", pflag.ContinueOnError)
	f.Bind(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return &f
}

func secretFile(t *testing.T, value string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(p, []byte(value+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// TestEveryConfigFieldHasAFlag holds issue 14's "nothing configurable that
// nobody can set": every field of auth.Config is set by a flag or, for
// secrets, by the environment or a file.
func TestEveryConfigFieldHasAFlag(t *testing.T) {
	f := parseFlags(t,
		"--oidc-issuer=https://issuer.example", "--oidc-client-id=s3am", "--oidc-client-secret-file="+secretFile(t, "hunter2"),
		"--oidc-redirect-url=https://s3am.example/auth/callback", "--oidc-scopes=openid,email,groups",
		"--oidc-username-claim=sub", "--oidc-username-prefix=oidc:", "--oidc-groups-claim=roles", "--oidc-groups-prefix=oidc:",
		"--oidc-signing-algs=ES256",
		"--session-previous-key-files="+secretFile(t, "old-from-file"), "--session-lifetime=4h", "--insecure-cookies",
		"--trusted-origins=https://console.example",
		"--service-accounts", "--service-account-audiences=s3am-prod", "--service-account-issuers=https://kubernetes.default.svc",
		"--service-account-cache-ttl=15s", "--service-account-cache-size=64",
		"--proxy-trusted-cidrs=10.0.0.0/8", "--proxy-username=user", "--proxy-user-header=Remote-User",
		"--proxy-email-header=Remote-Email", "--proxy-groups-header=Remote-Groups",
	)
	c, err := f.Config(env(map[string]string{auth.EnvSessionKey: "key", auth.EnvSessionPreviousKeys: "old-1, old-2"}))
	if err != nil {
		t.Fatal(err)
	}
	var unset []string
	walkFields(reflect.ValueOf(c), "Config", func(path string, v reflect.Value) {
		if v.IsZero() {
			unset = append(unset, path)
		}
	})
	if len(unset) > 0 {
		t.Fatalf("no flag sets %v", unset)
	}
	if c.OIDC.ClientSecret.Reveal() != "hunter2" || c.Session.Key.Reveal() != "key" || c.Session.Lifetime != 4*time.Hour ||
		!slices.Equal(c.Session.PreviousKeys, []auth.Secret{"old-1", "old-2", "old-from-file"}) ||
		!slices.Equal(c.Proxy.TrustedOrigins, []string{"https://console.example"}) || c.ServiceAccounts.CacheSize != 64 {
		t.Fatalf("config %+v", c)
	}
}

func walkFields(v reflect.Value, path string, leaf func(string, reflect.Value)) {
	if v.Kind() != reflect.Struct {
		leaf(path, v)
		return
	}
	for i := range v.NumField() {
		walkFields(v.Field(i), path+"."+v.Type().Field(i).Name, leaf)
	}
}

func TestFlagDefaultsAreTheConfigDefaults(t *testing.T) {
	c, err := parseFlags(t).Config(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	want := c
	want.SetDefaults()
	if !reflect.DeepEqual(c, want) {
		t.Fatalf("flags' defaults %+v, Config's %+v", c, want)
	}
	if c.Session.Key != "" || c.OIDC.ClientSecret != "" || len(c.Session.PreviousKeys) != 0 {
		t.Fatal("a secret without a source")
	}
}

func TestSecretsAreNeverFlagValues(t *testing.T) {
	fs := pflag.NewFlagSet("server", pflag.ContinueOnError)
	new(auth.Flags).Bind(fs)
	fs.VisitAll(func(fl *pflag.Flag) {
		secret := strings.Contains(fl.Name, "secret") || strings.Contains(fl.Name, "key")
		if secret && !strings.HasSuffix(fl.Name, "-file") && !strings.HasSuffix(fl.Name, "-files") {
			t.Errorf("--%s takes a secret as its value, which process listings show", fl.Name)
		}
	})

	key := secretFile(t, "from-file")
	f := parseFlags(t, "--session-key-file="+key)
	if _, err := f.Config(env(map[string]string{auth.EnvSessionKey: "from-env"})); err == nil {
		t.Fatal("a session key from both the environment and a file accepted")
	}
	c, err := f.Config(env(nil))
	if err != nil || c.Session.Key.Reveal() != "from-file" {
		t.Fatalf("%v %q", err, c.Session.Key.Reveal())
	}
	empty := secretFile(t, " ")
	if _, err := parseFlags(t, "--oidc-client-secret-file="+empty).Config(env(nil)); err == nil {
		t.Fatal("an empty secret file accepted")
	}
	if _, err := parseFlags(t, "--session-previous-key-files="+filepath.Join(t.TempDir(), "missing")).Config(env(nil)); err == nil {
		t.Fatal("a missing key file accepted")
	}
}
