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

// Proxy authenticates by the identity headers of a trusted reverse proxy
// (oauth2-proxy and the like). Only the TCP peer's address counts, never
// X-Forwarded-For: from any peer outside TrustedCIDRs the headers are
// ignored, as if absent.
type Proxy struct {
	trusted []netip.Prefix
	cfg     ProxyConfig
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
	p := &Proxy{cfg: cfg}
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

// Trusts reports whether the request's TCP peer is a trusted proxy.
func (p *Proxy) Trusts(r *http.Request) bool {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	addr := ap.Addr().Unmap()
	return slices.ContainsFunc(p.trusted, func(pr netip.Prefix) bool { return pr.Contains(addr) })
}

// Authenticate reads the identity headers of a request from a trusted peer.
// A request without a user header is not its own. State-changing requests
// must be same-origin (or from a trusted origin): the proxy authenticated
// the browser by a cookie, which a cross-site form would send too.
func (p *Proxy) Authenticate(r *http.Request) (Identity, bool, error) {
	if !p.Trusts(r) {
		return Identity{}, false, nil
	}
	user, email := firstHeader(r, p.cfg.UserHeaders), firstHeader(r, p.cfg.EmailHeaders)
	if user == "" && email == "" {
		return Identity{}, false, nil
	}
	name := email
	if p.cfg.Username == ProxyUsernameUser {
		name = user
	}
	if name == "" {
		return Identity{}, true, rejected(MethodProxy, "proxy sent no "+p.cfg.Username+" header", nil)
	}
	if !cleanHeaderValue(name) {
		return Identity{}, true, rejected(MethodProxy, "proxy sent a malformed user header", nil)
	}
	groups, err := headerGroups(r, p.cfg.GroupsHeaders)
	if err != nil {
		return Identity{}, true, rejected(MethodProxy, "proxy sent malformed groups", err)
	}
	if !isSafeMethod(r.Method) {
		if err := p.origins.check(r); err != nil {
			return Identity{}, true, forbidden(MethodProxy, err)
		}
	}
	return Identity{User: name, Groups: groups, Method: MethodProxy}, true, nil
}

func firstHeader(r *http.Request, names []string) string {
	for _, n := range names {
		if v := strings.TrimSpace(r.Header.Get(n)); v != "" {
			return v
		}
	}
	return ""
}

// headerGroups merges the comma-separated groups of every header and value,
// in order, without duplicates.
func headerGroups(r *http.Request, names []string) ([]string, error) {
	var groups []string
	for _, n := range names {
		for _, v := range r.Header.Values(n) {
			for g := range strings.SplitSeq(v, ",") {
				g = strings.TrimSpace(g)
				if g == "" || slices.Contains(groups, g) {
					continue
				}
				if !cleanHeaderValue(g) {
					return nil, errors.New("group with control characters or too long")
				}
				groups = append(groups, g)
			}
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
