package auth

import (
	"time"
)

// Config configures every authenticator. Zero fields take the defaults that
// SetDefaults fills in; a section left empty disables its authenticator (see
// each section). Flags binds every field to a command-line flag.
type Config struct {
	OIDC            OIDCConfig
	Session         SessionConfig
	ServiceAccounts ServiceAccountConfig
	Proxy           ProxyConfig
}

// OIDCConfig configures bearer JWTs and the browser login. It is enabled by
// IssuerURL; the browser login additionally needs RedirectURL.
type OIDCConfig struct {
	// IssuerURL is the issuer exactly as it appears in its tokens' iss claim
	// and its discovery document.
	IssuerURL string
	// ClientID is this server's client at the issuer, and the audience bearer
	// tokens must carry.
	ClientID string
	// ClientSecret authenticates the code exchange; empty for a public client
	// (PKCE alone).
	ClientSecret Secret
	// RedirectURL is the external URL of the callback handler, e.g.
	// https://s3am.example.com/auth/callback. Empty disables the browser login.
	RedirectURL string
	// Scopes requested at login; default openid, email, profile. Add "groups"
	// for issuers (such as Dex) that only release groups when asked.
	Scopes []string
	// UsernameClaim is the claim naming the user; default "email". With
	// "email", a token whose email_verified claim is false is rejected.
	UsernameClaim string
	// UsernamePrefix is prepended to the username claim's value.
	UsernamePrefix string
	// GroupsClaim is the claim listing the groups (string or string array);
	// default "groups". A token without it has no groups.
	GroupsClaim string
	// GroupsPrefix is prepended to every group.
	GroupsPrefix string
	// SigningAlgs restricts the accepted signature algorithms; default the
	// asymmetric ones the discovery document lists, else RS256.
	SigningAlgs []string
}

// SessionConfig configures the encrypted session cookie. It is enabled by Key.
type SessionConfig struct {
	// Key seals new cookies: 32 random bytes, base64 (standard or URL
	// alphabet, padded or not), e.g. from `openssl rand -base64 32`.
	Key Secret
	// PreviousKeys still open cookies sealed before a key rotation.
	PreviousKeys []Secret
	// Lifetime bounds a session; default 8h. Groups are re-read at the next
	// login, so this is also how stale a session's groups can get.
	Lifetime time.Duration
	// InsecureCookies drops the Secure attribute, and with it the __Host-
	// prefix browsers only accept on Secure cookies, so that cookies work over
	// plain HTTP in any browser: only for a demo listening on loopback
	// (CheckListenAddress).
	InsecureCookies bool
	// TrustedOrigins are origins ("https://host[:port]") other than the
	// request's own Host allowed to make state-changing requests.
	TrustedOrigins []string
}

// ServiceAccountConfig configures Kubernetes ServiceAccount tokens.
type ServiceAccountConfig struct {
	// Enabled turns TokenReview on for bearer tokens no OIDC issuer claims.
	Enabled bool
	// Audiences a token must be bound to, and to nothing else; default
	// DefaultServiceAccountAudience. A token that is also valid for another
	// audience, such as the API server's, is refused: this server, or anyone
	// who reads its traffic, could replay it there.
	Audiences []string
	// Issuers are the iss claims of the cluster's ServiceAccount tokens (the
	// API server's --service-account-issuer values); empty discovers the
	// cluster's from the API server's /.well-known/openid-configuration.
	// Tokens of any other issuer are refused without a TokenReview.
	Issuers []string
	// CacheTTL bounds how long a positive review is reused; default 30s.
	// The token of a deleted ServiceAccount keeps working for at most that
	// long, plus the API server's own cache of successful authentications
	// (about 10s).
	CacheTTL time.Duration
	// CacheSize bounds the number of cached reviews; default 1024.
	CacheSize int
}

// ProxyConfig configures identity headers set by a trusted reverse proxy
// (oauth2-proxy style). It is enabled by TrustedCIDRs. The proxy must
// overwrite or strip these headers on every request it forwards.
//
// Each field is read from exactly one header. A request from the proxy that
// carries any other well-known identity header (see proxy.go) is
// refused: a proxy that overwrites only the headers it sets would otherwise
// pass a client's own X-Auth-Request-Groups, say, through to this server.
type ProxyConfig struct {
	// TrustedCIDRs are the addresses of the proxy as this server sees the TCP
	// peer; headers from any other peer are ignored.
	TrustedCIDRs []string
	// UserHeader carries the user name; default X-Forwarded-User.
	UserHeader string
	// EmailHeader carries the email; default X-Forwarded-Email.
	EmailHeader string
	// GroupsHeader carries comma-separated groups (in one or several
	// values); default X-Forwarded-Groups.
	GroupsHeader string
	// Username is which header names the user: "email" (default, like the
	// OIDC default username claim, so grants are the same either way) or
	// "user".
	Username string
	// TrustedOrigins are origins other than the request's own Host allowed to
	// make state-changing requests (the proxy authenticates browsers by its
	// own cookie, so these requests are CSRF-checked too).
	TrustedOrigins []string
}

const (
	// DefaultUsernameClaim is OIDCConfig.UsernameClaim's default.
	DefaultUsernameClaim = "email"
	// DefaultGroupsClaim is OIDCConfig.GroupsClaim's default.
	DefaultGroupsClaim = "groups"
	// DefaultSessionLifetime is SessionConfig.Lifetime's default.
	DefaultSessionLifetime = 8 * time.Hour
	// DefaultServiceAccountAudience is ServiceAccountConfig.Audiences'
	// default: pipelines ask for it in their TokenRequest or projected token.
	DefaultServiceAccountAudience = "s3am"
	// DefaultReviewCacheTTL is ServiceAccountConfig.CacheTTL's default.
	DefaultReviewCacheTTL = 30 * time.Second
	// DefaultReviewCacheSize is ServiceAccountConfig.CacheSize's default.
	DefaultReviewCacheSize = 1024
	// ProxyUsernameEmail names the user by the proxy's email header.
	ProxyUsernameEmail = "email"
	// ProxyUsernameUser names the user by the proxy's user header.
	ProxyUsernameUser = "user"
	// DefaultProxyUserHeader is ProxyConfig.UserHeader's default.
	DefaultProxyUserHeader = "X-Forwarded-User"
	// DefaultProxyEmailHeader is ProxyConfig.EmailHeader's default.
	DefaultProxyEmailHeader = "X-Forwarded-Email"
	// DefaultProxyGroupsHeader is ProxyConfig.GroupsHeader's default.
	DefaultProxyGroupsHeader = "X-Forwarded-Groups"
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
	setDefault(&c.UsernameClaim, DefaultUsernameClaim)
	setDefault(&c.GroupsClaim, DefaultGroupsClaim)
}

func (c *SessionConfig) setDefaults() {
	if c.Lifetime == 0 {
		c.Lifetime = DefaultSessionLifetime
	}
}

func (c *ServiceAccountConfig) setDefaults() {
	if len(c.Audiences) == 0 {
		c.Audiences = []string{DefaultServiceAccountAudience}
	}
	if c.CacheTTL == 0 {
		c.CacheTTL = DefaultReviewCacheTTL
	}
	if c.CacheSize == 0 {
		c.CacheSize = DefaultReviewCacheSize
	}
}

func (c *ProxyConfig) setDefaults() {
	setDefault(&c.UserHeader, DefaultProxyUserHeader)
	setDefault(&c.EmailHeader, DefaultProxyEmailHeader)
	setDefault(&c.GroupsHeader, DefaultProxyGroupsHeader)
	setDefault(&c.Username, ProxyUsernameEmail)
}

func setDefault(field *string, value string) {
	if *field == "" {
		*field = value
	}
}
