package auth

import (
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"slices"
	"strings"
)

// maxHeaderIdentity bounds a user name or group read from a header.
const maxHeaderIdentity = 512

// knownIdentityHeaders are the user, email and group headers of common
// authenticating proxies (oauth2-proxy's upstream and X-Auth-Request
// families, the Kubernetes front proxy, Authelia and Caddy, authentik,
// Grafana-style WebAuth, Pomerium, and the cloud load balancers). A request
// from the trusted proxy carrying one of them that is not configured is
// refused: the proxy overwrites only the headers it sets, so any other one
// came from the client.
var knownIdentityHeaders = canonical(
	"X-Forwarded-User", "X-Forwarded-Email", "X-Forwarded-Groups",
	"X-Auth-Request-User", "X-Auth-Request-Email", "X-Auth-Request-Groups",
	"X-Remote-User", "X-Remote-Email", "X-Remote-Group", "X-Remote-Groups",
	"Remote-User", "Remote-Email", "Remote-Groups",
	"X-Authentik-Username", "X-Authentik-Email", "X-Authentik-Groups",
	"X-Webauth-User", "X-Webauth-Email", "X-Webauth-Groups",
	"X-Pomerium-Claim-User", "X-Pomerium-Claim-Email", "X-Pomerium-Claim-Groups",
	"X-Goog-Authenticated-User-Email", "X-Amzn-Oidc-Identity",
	"Cf-Access-Authenticated-User-Email", "X-Ms-Client-Principal-Name",
)

func canonical(names ...string) []string {
	for i, n := range names {
		names[i] = http.CanonicalHeaderKey(strings.TrimSpace(n))
	}
	return names
}

// Proxy authenticates by the identity headers of a trusted reverse proxy
// (oauth2-proxy and the like). Only the TCP peer's address counts, never
// X-Forwarded-For: from any peer outside TrustedCIDRs the headers are
// ignored, as if absent.
type Proxy struct {
	trusted []netip.Prefix
	cfg     ProxyConfig
	foreign []string // known identity headers other than the configured ones
	origins originCheck
}

// NewProxy returns the proxy-header authenticator; cfg.TrustedCIDRs must not
// be empty. A bare address is a one-address prefix.
func NewProxy(cfg ProxyConfig) (*Proxy, error) {
	cfg.setDefaults()
	if len(cfg.TrustedCIDRs) == 0 {
		return nil, errors.New("proxy: no trusted CIDRs")
	}
	if cfg.Username != ProxyUsernameEmail && cfg.Username != ProxyUsernameUser {
		return nil, fmt.Errorf("proxy: username %q: want %q or %q", cfg.Username, ProxyUsernameEmail, ProxyUsernameUser)
	}
	configured := canonical(cfg.UserHeader, cfg.EmailHeader, cfg.GroupsHeader)
	if slices.Contains(configured, "") || len(slices.Compact(slices.Sorted(slices.Values(configured)))) != len(configured) {
		return nil, fmt.Errorf("proxy: the user, email and groups headers must be three different headers, got %v", configured)
	}
	cfg.UserHeader, cfg.EmailHeader, cfg.GroupsHeader = configured[0], configured[1], configured[2]
	p := &Proxy{cfg: cfg}
	for _, h := range knownIdentityHeaders {
		if !slices.Contains(configured, h) {
			p.foreign = append(p.foreign, h)
		}
	}
	for _, s := range cfg.TrustedCIDRs {
		prefix, err := netip.ParsePrefix(strings.TrimSpace(s))
		if err != nil {
			addr, aerr := netip.ParseAddr(strings.TrimSpace(s))
			if aerr != nil {
				return nil, fmt.Errorf("proxy: trusted CIDR %q: %w", s, err)
			}
			prefix = netip.PrefixFrom(addr.Unmap(), addr.Unmap().BitLen())
		}
		p.trusted = append(p.trusted, prefix.Masked())
	}
	origins, err := newOriginCheck(cfg.TrustedOrigins)
	if err != nil {
		return nil, fmt.Errorf("proxy: %w", err)
	}
	p.origins = origins
	return p, nil
}

// trusts reports whether the request's TCP peer is a trusted proxy.
func (p *Proxy) trusts(r *http.Request) bool {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	addr := ap.Addr().Unmap()
	return slices.ContainsFunc(p.trusted, func(pr netip.Prefix) bool { return pr.Contains(addr) })
}

// Authenticate reads the identity headers of a request from a trusted peer:
// the configured user, email and groups headers, one each. A request
// carrying any other known identity header is refused, whether or not it
// carries the configured ones. A request without a user or email header is
// not its own. State-changing requests must be same-origin (or from a
// trusted origin): the proxy authenticated the browser by a cookie, which a
// cross-site form would send too.
func (p *Proxy) Authenticate(r *http.Request) (Identity, bool, error) {
	if !p.trusts(r) {
		return Identity{}, false, nil
	}
	if i := slices.IndexFunc(p.foreign, func(h string) bool { _, ok := r.Header[h]; return ok }); i >= 0 {
		return Identity{}, true, p.refuse(ReasonUnexpectedIdentityHeader,
			fmt.Sprintf("the request carries the identity header %s, which this server does not read (it reads %s, %s and %s)",
				p.foreign[i], p.cfg.UserHeader, p.cfg.EmailHeader, p.cfg.GroupsHeader))
	}
	user, err := p.single(r, p.cfg.UserHeader)
	if err != nil {
		return Identity{}, true, err
	}
	email, err := p.single(r, p.cfg.EmailHeader)
	if err != nil {
		return Identity{}, true, err
	}
	if user == "" && email == "" {
		return Identity{}, false, nil
	}
	name, header := email, p.cfg.EmailHeader
	if p.cfg.Username == ProxyUsernameUser {
		name, header = user, p.cfg.UserHeader
	}
	if name == "" {
		return Identity{}, true, p.refuse(ReasonInvalidProxyIdentity, "proxy sent no "+header+" header")
	}
	groups, err := p.groups(r)
	if err != nil {
		return Identity{}, true, err
	}
	if !isSafeMethod(r.Method) {
		if err := p.origins.check(r); err != nil {
			return Identity{}, true, forbidden(MethodProxy, err)
		}
	}
	return Identity{User: name, Groups: groups, Method: MethodProxy}, true, nil
}

func (p *Proxy) refuse(code, reason string) *Error {
	e := rejected(MethodProxy, reason, nil)
	e.Code = code
	return e
}

// single returns the value of a header that must appear at most once.
func (p *Proxy) single(r *http.Request, name string) (string, error) {
	vs := r.Header.Values(name)
	switch {
	case len(vs) == 0:
		return "", nil
	case len(vs) > 1:
		return "", p.refuse(ReasonInvalidProxyIdentity, fmt.Sprintf("proxy sent %d %s headers, want one", len(vs), name))
	}
	v := strings.TrimSpace(vs[0])
	if !cleanHeaderValue(v) {
		return "", p.refuse(ReasonInvalidProxyIdentity, "proxy sent a malformed "+name+" header")
	}
	return v, nil
}

// groups reads the comma-separated groups of every value of the groups
// header, in order, without duplicates.
func (p *Proxy) groups(r *http.Request) ([]string, error) {
	var groups []string
	for _, v := range r.Header.Values(p.cfg.GroupsHeader) {
		for g := range strings.SplitSeq(v, ",") {
			g = strings.TrimSpace(g)
			if g == "" || slices.Contains(groups, g) {
				continue
			}
			if !cleanHeaderValue(g) {
				return nil, p.refuse(ReasonInvalidProxyIdentity, "proxy sent a group with control characters or too long")
			}
			groups = append(groups, g)
		}
	}
	return groups, nil
}

func cleanHeaderValue(v string) bool {
	if len(v) > maxHeaderIdentity {
		return false
	}
	for _, c := range v {
		if c < 0x20 || c == 0x7f {
			return false
		}
	}
	return true
}
