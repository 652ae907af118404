package auth

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/spf13/pflag"
)

// Environment variables holding secrets, which flag values would show in
// process listings. Each may instead be read from a file a flag names.
const (
	// EnvSessionKey holds SessionConfig.Key.
	EnvSessionKey = "S3AM_SESSION_KEY"
	// EnvSessionPreviousKeys holds SessionConfig.PreviousKeys,
	// comma-separated.
	EnvSessionPreviousKeys = "S3AM_SESSION_PREVIOUS_KEYS"
	// EnvOIDCClientSecret holds OIDCConfig.ClientSecret.
	EnvOIDCClientSecret = "S3AM_OIDC_CLIENT_SECRET"
)

// Flags is Config as command-line flags. No flag takes a secret's value:
// secrets come from the environment or from the files flags name.
type Flags struct {
	cfg              Config
	trustedOrigins   []string
	clientSecretFile string
	sessionKeyFile   string
	previousKeyFiles []string
}

// Bind registers every flag on fs.
func (f *Flags) Bind(fs *pflag.FlagSet) {
	o, s, sa, p := &f.cfg.OIDC, &f.cfg.Session, &f.cfg.ServiceAccounts, &f.cfg.Proxy

	fs.StringVar(&o.IssuerURL, "oidc-issuer", "", "OIDC issuer URL; enables bearer JWTs (and the browser login with --oidc-redirect-url and a session key)")
	fs.StringVar(&o.ClientID, "oidc-client-id", "", "this server's OIDC client ID, the audience of bearer tokens")
	fs.StringVar(&f.clientSecretFile, "oidc-client-secret-file", "", "file holding the OIDC client secret (else "+EnvOIDCClientSecret+"); none for a public client")
	fs.StringVar(&o.RedirectURL, "oidc-redirect-url", "", "external URL of /auth/callback; enables the browser login")
	fs.StringSliceVar(&o.Scopes, "oidc-scopes", slices.Clone(DefaultScopes), "scopes requested at login; add groups for issuers that only release groups when asked")
	fs.StringVar(&o.UsernameClaim, "oidc-username-claim", DefaultUsernameClaim, "claim naming the user")
	fs.StringVar(&o.UsernamePrefix, "oidc-username-prefix", "", "prefix added to the user claim's value")
	fs.StringVar(&o.GroupsClaim, "oidc-groups-claim", DefaultGroupsClaim, "claim listing the groups")
	fs.StringVar(&o.GroupsPrefix, "oidc-groups-prefix", "", "prefix added to every group")
	fs.StringSliceVar(&o.SigningAlgs, "oidc-signing-algs", nil, "accepted token signature algorithms (default the asymmetric ones the issuer advertises, else RS256)")

	fs.StringVar(&f.sessionKeyFile, "session-key-file", "", "file holding the session key, 32 random bytes in base64 (else "+EnvSessionKey+"); enables browser sessions")
	fs.StringSliceVar(&f.previousKeyFiles, "session-previous-key-files", nil, "files holding earlier session keys, which still open sessions sealed before a rotation (and "+EnvSessionPreviousKeys+", comma-separated)")
	fs.DurationVar(&s.Lifetime, "session-lifetime", DefaultSessionLifetime, "how long a browser session lasts, and so how stale its groups can get")
	fs.BoolVar(&s.InsecureCookies, "insecure-cookies", false, "cookies without Secure (and without the __Host- prefix), for a demo on loopback only")
	fs.StringSliceVar(&f.trustedOrigins, "trusted-origins", nil, "origins (https://host[:port]) besides the server's own allowed to send state-changing browser requests")

	fs.BoolVar(&sa.Enabled, "service-accounts", false, "accept Kubernetes ServiceAccount tokens (TokenReview)")
	fs.StringSliceVar(&sa.Audiences, "service-account-audiences", []string{DefaultServiceAccountAudience}, "audiences a ServiceAccount token must be bound to, and to nothing else (tokens for the API server are refused)")
	fs.StringSliceVar(&sa.Issuers, "service-account-issuers", nil, "the cluster's ServiceAccount token issuers (default: discovered from the API server); tokens of other issuers are refused without a TokenReview")
	fs.DurationVar(&sa.CacheTTL, "service-account-cache-ttl", DefaultReviewCacheTTL, "how long an accepted ServiceAccount token is trusted without a new TokenReview")
	fs.IntVar(&sa.CacheSize, "service-account-cache-size", DefaultReviewCacheSize, "how many TokenReview outcomes are cached")

	fs.StringSliceVar(&p.TrustedCIDRs, "proxy-trusted-cidrs", nil, "addresses of a reverse proxy whose identity headers are trusted")
	fs.StringVar(&p.Username, "proxy-username", ProxyUsernameEmail, "which proxy header names the user: email or user")
	fs.StringVar(&p.UserHeader, "proxy-user-header", DefaultProxyUserHeader, "the proxy's user header")
	fs.StringVar(&p.EmailHeader, "proxy-email-header", DefaultProxyEmailHeader, "the proxy's email header")
	fs.StringVar(&p.GroupsHeader, "proxy-groups-header", DefaultProxyGroupsHeader, "the proxy's comma-separated groups header; any other known identity header from the proxy is refused")
}

// Config returns the configuration the flags set, with its secrets read
// from getenv and from the files the flags name. A secret set both ways is
// an error.
func (f *Flags) Config(getenv func(string) string) (Config, error) {
	c := f.cfg
	c.Session.TrustedOrigins = f.trustedOrigins
	c.Proxy.TrustedOrigins = f.trustedOrigins
	var err error
	if c.OIDC.ClientSecret, err = secretFrom(getenv, EnvOIDCClientSecret, f.clientSecretFile); err != nil {
		return Config{}, err
	}
	if c.Session.Key, err = secretFrom(getenv, EnvSessionKey, f.sessionKeyFile); err != nil {
		return Config{}, err
	}
	c.Session.PreviousKeys = nil
	for k := range strings.SplitSeq(getenv(EnvSessionPreviousKeys), ",") {
		if k = strings.TrimSpace(k); k != "" {
			c.Session.PreviousKeys = append(c.Session.PreviousKeys, Secret(k))
		}
	}
	for _, file := range f.previousKeyFiles {
		k, err := readSecret(file)
		if err != nil {
			return Config{}, err
		}
		c.Session.PreviousKeys = append(c.Session.PreviousKeys, k)
	}
	return c, nil
}

// secretFrom reads a secret from the environment variable env or from file.
func secretFrom(getenv func(string) string, env, file string) (Secret, error) {
	v := getenv(env)
	switch {
	case file == "":
		return Secret(v), nil
	case v != "":
		return "", fmt.Errorf("both %s and a file are set: choose one", env)
	}
	return readSecret(file)
}

// maxSecretFile bounds a secret file: keys and client secrets are short.
const maxSecretFile = 4 << 10

// readSecret reads a secret file, trimmed; the error never holds its content.
func readSecret(file string) (Secret, error) {
	st, err := os.Stat(file)
	if err != nil {
		return "", fmt.Errorf("secret file: %w", err)
	}
	if st.Size() > maxSecretFile {
		return "", fmt.Errorf("secret file %s: %d bytes, more than a secret", file, st.Size())
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("secret file: %w", err)
	}
	v := strings.TrimSpace(string(b))
	if v == "" {
		return "", errors.New("secret file " + file + " is empty")
	}
	return Secret(v), nil
}
