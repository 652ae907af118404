package webui

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strings"

	"github.com/s3am/s3-access-manager/server/auth"
)

// DemoUser is a person the demo login may sign in as.
type DemoUser struct {
	// User is the principal's name, as grants name it.
	User string `json:"user"`
	// Groups are the principal's groups.
	Groups []string `json:"groups,omitempty"`
	// Description tells the demo's visitor who this is.
	Description string `json:"description,omitempty"`
}

// Options configure Register.
type Options struct {
	// Sessions issues the demo login's sessions and serves logout when
	// OIDCLogin is false; nil means no sessions (then no demo login).
	Sessions *auth.Sessions
	// Auth decides whether a page request is signed in, to send the ones
	// that are not to the login page; nil uses Sessions, and with neither
	// every page is served and the API's 401 answers are shown instead.
	Auth auth.Authenticator
	// OIDCLogin says that the OIDC browser login is registered under /auth
	// (auth.OIDC.Register): the login page offers it.
	OIDCLogin bool
	// DemoUsers, when not empty, turn the demo login on: the login page
	// lists them, clearly marked as a demo, and POST /auth/demo signs in as
	// exactly one of them. Never for production.
	DemoUsers []DemoUser
	// ConnectOrigins are the S3 endpoints ("scheme://host[:port]") the
	// browser uploads to with presigned URLs; empty allows every https:
	// origin, which covers AWS S3.
	ConnectOrigins []string
	// AdminGroup's members see the link to the audit page; the API decides
	// who may read the audit trail either way.
	AdminGroup string
	// Logger receives failures; default slog.Default().
	Logger *slog.Logger
}

func (o *Options) validate() error {
	if len(o.DemoUsers) > 0 && o.Sessions == nil {
		return errors.New("webui: demo users need sessions")
	}
	seen := map[string]bool{}
	for _, u := range o.DemoUsers {
		if strings.TrimSpace(u.User) == "" {
			return errors.New("webui: a demo user has no name")
		}
		if seen[u.User] {
			return fmt.Errorf("webui: demo user %q listed twice", u.User)
		}
		seen[u.User] = true
	}
	for _, origin := range o.ConnectOrigins {
		if err := checkOrigin(origin); err != nil {
			return fmt.Errorf("webui: connect origin %q: %w", origin, err)
		}
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return nil
}

// checkOrigin accepts "scheme://host[:port]" with http or https, and
// nothing that could add a directive to the Content-Security-Policy.
func checkOrigin(origin string) error {
	if strings.ContainsAny(origin, " ;,'\"\t\r\n") {
		return errors.New("has a space, quote, comma or semicolon")
	}
	u, err := url.Parse(origin)
	if err != nil {
		return fmt.Errorf("parse: %w", err)
	}
	if !slices.Contains([]string{"http", "https"}, u.Scheme) || u.Host == "" {
		return errors.New("want http://host[:port] or https://host[:port]")
	}
	if u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return errors.New("want an origin only, with no path, query or user")
	}
	return nil
}

// demoUser returns the configured demo user named name.
func (o *Options) demoUser(name string) (DemoUser, bool) {
	for _, u := range o.DemoUsers {
		if u.User == name {
			return u, true
		}
	}
	return DemoUser{}, false
}
