package auth

import (
	"time"
)

// Config configures every authenticator. Zero fields take the defaults that
// SetDefaults fills in; a section left empty disables its authenticator (see
// each section).
type Config struct {
	OIDC            OIDCConfig           `json:"oidc" yaml:"oidc"`
	Session         SessionConfig        `json:"session" yaml:"session"`
	ServiceAccounts ServiceAccountConfig `json:"serviceAccounts" yaml:"serviceAccounts"`
	Proxy           ProxyConfig          `json:"proxy" yaml:"proxy"`
}

// OIDCConfig configures bearer JWTs and the browser login. It is enabled by
// IssuerURL; the browser login additionally needs RedirectURL.
type OIDCConfig struct {
	// IssuerURL is the issuer exactly as it appears in its tokens' iss claim
	// and its discovery document.
	IssuerURL string `json:"issuerURL" yaml:"issuerURL"`
	// ClientID is this server's client at the issuer, and the audience bearer
	// tokens must carry.
	ClientID string `json:"clientID" yaml:"clientID"`
	// ClientSecret authenticates the code exchange; empty for a public client
	// (PKCE alone).
	ClientSecret Secret `json:"clientSecret,omitempty" yaml:"clientSecret,omitempty"`
	// RedirectURL is the external URL of the callback handler, e.g.
	// https://s3am.example.com/auth/callback. Empty disables the browser login.
	RedirectURL string `json:"redirectURL,omitempty" yaml:"redirectURL,omitempty"`
	// Scopes requested at login; default openid, email, profile. Add "groups"
	// for issuers (such as Dex) that only release groups when asked.
	Scopes []string `json:"scopes,omitempty" yaml:"scopes,omitempty"`
	// UsernameClaim is the claim naming the user; default "email". With
	// "email", a token whose email_verified claim is false is rejected.
	UsernameClaim string `json:"usernameClaim,omitempty" yaml:"usernameClaim,omitempty"`
	// UsernamePrefix is prepended to the username claim's value.
	UsernamePrefix string `json:"usernamePrefix,omitempty" yaml:"usernamePrefix,omitempty"`
	// GroupsClaim is the claim listing the groups (string or string array);
	// default "groups". A token without it has no groups.
	GroupsClaim string `json:"groupsClaim,omitempty" yaml:"groupsClaim,omitempty"`
	// GroupsPrefix is prepended to every group.
	GroupsPrefix string `json:"groupsPrefix,omitempty" yaml:"groupsPrefix,omitempty"`
	// SigningAlgs restricts the accepted signature algorithms; default the
	// asymmetric ones the discovery document lists, else RS256.
	SigningAlgs []string `json:"signingAlgs,omitempty" yaml:"signingAlgs,omitempty"`
}

// SessionConfig configures the encrypted session cookie. It is enabled by Key.
type SessionConfig struct {
	// Key seals new cookies: 32 random bytes, base64 (standard or URL
	// alphabet, padded or not), e.g. from `openssl rand -base64 32`.
	Key Secret `json:"key,omitempty" yaml:"key,omitempty"`
	// PreviousKeys still open cookies sealed before a key rotation.
	PreviousKeys []Secret `json:"previousKeys,omitempty" yaml:"previousKeys,omitempty"`
	// Lifetime bounds a session; default 8h. Groups are re-read at the next
	// login, so this is also how stale a session's groups can get.
	Lifetime Duration `json:"lifetime,omitempty" yaml:"lifetime,omitempty"`
	// InsecureCookies drops the Secure attribute so that cookies work over
	// plain HTTP: only for a demo listening on loopback (CheckListenAddress).
	InsecureCookies bool `json:"insecureCookies,omitempty" yaml:"insecureCookies,omitempty"`
	// TrustedOrigins are origins ("https://host[:port]") other than the
	// request's own Host allowed to make state-changing requests.
	TrustedOrigins []string `json:"trustedOrigins,omitempty" yaml:"trustedOrigins,omitempty"`
}

// ServiceAccountConfig configures Kubernetes ServiceAccount tokens.
type ServiceAccountConfig struct {
	// Enabled turns TokenReview on for bearer tokens no OIDC issuer claims.
	Enabled bool `json:"enabled" yaml:"enabled"`
	// Audiences the token must be bound to (at least one); empty means the
	// API server's own audiences.
	Audiences []string `json:"audiences,omitempty" yaml:"audiences,omitempty"`
	// CacheTTL bounds how long a positive review is reused; default 30s.
	// The token of a deleted ServiceAccount keeps working for at most that
	// long, plus the API server's own cache of successful authentications
	// (about 10s).
	CacheTTL Duration `json:"cacheTTL,omitempty" yaml:"cacheTTL,omitempty"`
	// CacheSize bounds the number of cached reviews; default 1024.
	CacheSize int `json:"cacheSize,omitempty" yaml:"cacheSize,omitempty"`
}

// ProxyConfig configures identity headers set by a trusted reverse proxy
// (oauth2-proxy style). It is enabled by TrustedCIDRs. The proxy must
// overwrite or strip these headers on every request it forwards.
type ProxyConfig struct {
	// TrustedCIDRs are the addresses of the proxy as this server sees the TCP
	// peer; headers from any other peer are ignored.
	TrustedCIDRs []string `json:"trustedCIDRs,omitempty" yaml:"trustedCIDRs,omitempty"`
	// UserHeaders carry the user name, first non-empty wins; default
	// X-Forwarded-User, X-Auth-Request-User.
	UserHeaders []string `json:"userHeaders,omitempty" yaml:"userHeaders,omitempty"`
	// EmailHeaders carry the email; default X-Forwarded-Email,
	// X-Auth-Request-Email.
	EmailHeaders []string `json:"emailHeaders,omitempty" yaml:"emailHeaders,omitempty"`
	// GroupsHeaders carry comma-separated groups, all of them are read;
	// default X-Forwarded-Groups, X-Auth-Request-Groups.
	GroupsHeaders []string `json:"groupsHeaders,omitempty" yaml:"groupsHeaders,omitempty"`
	// Username is which header names the user: "email" (default, like the
	// OIDC default username claim, so grants are the same either way) or
	// "user".
	Username string `json:"username,omitempty" yaml:"username,omitempty"`
	// TrustedOrigins are origins other than the request's own Host allowed to
	// make state-changing requests (the proxy authenticates browsers by its
	// own cookie, so these requests are CSRF-checked too).
	TrustedOrigins []string `json:"trustedOrigins,omitempty" yaml:"trustedOrigins,omitempty"`
}

const (
	// DefaultUsernameClaim is OIDCConfig.UsernameClaim's default.
	DefaultUsernameClaim = "email"
	// DefaultGroupsClaim is OIDCConfig.GroupsClaim's default.
	DefaultGroupsClaim = "groups"
	// DefaultSessionLifetime is SessionConfig.Lifetime's default.
	DefaultSessionLifetime = 8 * time.Hour
	// DefaultReviewCacheTTL is ServiceAccountConfig.CacheTTL's default.
	DefaultReviewCacheTTL = 30 * time.Second
	// DefaultReviewCacheSize is ServiceAccountConfig.CacheSize's default.
	DefaultReviewCacheSize = 1024
	// ProxyUsernameEmail names the user by the proxy's email header.
	ProxyUsernameEmail = "email"
	// ProxyUsernameUser names the user by the proxy's user header.
	ProxyUsernameUser = "user"
)

// DefaultScopes are requested at login when OIDCConfig.Scopes is empty.
var DefaultScopes = []string{"openid", "email", "profile"}

// SetDefaults fills the zero fields of every section with their defaults.
func (c *Config) SetDefaults() {
	c.OIDC.setDefaults()
	c.Session.setDefaults()
	c.ServiceAccounts.setDefaults()
	c.Proxy.setDefaults()
}

func (c *OIDCConfig) setDefaults() {
	if len(c.Scopes) == 0 {
		c.Scopes = append([]string(nil), DefaultScopes...)
	}
	if c.UsernameClaim == "" {
		c.UsernameClaim = DefaultUsernameClaim
	}
	if c.GroupsClaim == "" {
		c.GroupsClaim = DefaultGroupsClaim
	}
}

func (c *SessionConfig) setDefaults() {
	if c.Lifetime == 0 {
		c.Lifetime = Duration(DefaultSessionLifetime)
	}
}

func (c *ServiceAccountConfig) setDefaults() {
	if c.CacheTTL == 0 {
		c.CacheTTL = Duration(DefaultReviewCacheTTL)
	}
	if c.CacheSize == 0 {
		c.CacheSize = DefaultReviewCacheSize
	}
}

func (c *ProxyConfig) setDefaults() {
	if len(c.UserHeaders) == 0 {
		c.UserHeaders = []string{"X-Forwarded-User", "X-Auth-Request-User"}
	}
	if len(c.EmailHeaders) == 0 {
		c.EmailHeaders = []string{"X-Forwarded-Email", "X-Auth-Request-Email"}
	}
	if len(c.GroupsHeaders) == 0 {
		c.GroupsHeaders = []string{"X-Forwarded-Groups", "X-Auth-Request-Groups"}
	}
	if c.Username == "" {
		c.Username = ProxyUsernameEmail
	}
}
