package auth

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"

	"k8s.io/client-go/kubernetes"
)

// Stack is every configured authenticator and the Chain over them. A field
// is nil when its section of Config does not enable it.
type Stack struct {
	// Chain tries, in order: OIDC bearer tokens, ServiceAccount tokens, proxy
	// headers, the session cookie.
	Chain           Chain
	OIDC            *OIDC
	ServiceAccounts *ServiceAccounts
	Proxy           *Proxy
	Sessions        *Sessions
}

// NewStack builds the authenticators cfg enables. kube is needed when
// service accounts are enabled; client (may be nil) is used to reach the
// OIDC issuer, whose discovery happens here.
func NewStack(ctx context.Context, cfg Config, kube kubernetes.Interface, client *http.Client) (*Stack, error) {
	cfg.SetDefaults()
	s := &Stack{}
	var err error
	if cfg.Session.Key != "" {
		if s.Sessions, err = NewSessions(cfg.Session); err != nil {
			return nil, err
		}
	}
	if cfg.OIDC.IssuerURL != "" {
		if s.OIDC, err = NewOIDC(ctx, cfg.OIDC, s.Sessions, client); err != nil {
			return nil, err
		}
		s.Chain = append(s.Chain, s.OIDC)
	}
	if cfg.ServiceAccounts.Enabled {
		if s.ServiceAccounts, err = NewServiceAccounts(kube, cfg.ServiceAccounts); err != nil {
			return nil, err
		}
		s.Chain = append(s.Chain, s.ServiceAccounts)
	}
	if len(cfg.Proxy.TrustedCIDRs) > 0 {
		if s.Proxy, err = NewProxy(cfg.Proxy); err != nil {
			return nil, err
		}
		s.Chain = append(s.Chain, s.Proxy)
	}
	if s.Sessions != nil {
		s.Chain = append(s.Chain, s.Sessions)
	}
	if len(s.Chain) == 0 {
		return nil, errors.New("auth: no authenticator configured")
	}
	return s, nil
}

// CheckListenAddress returns an error when InsecureCookies is set and the
// server listens on addr ("host:port") beyond loopback: cookies without the
// Secure attribute are only for a demo on the local machine.
func (c SessionConfig) CheckListenAddress(addr string) error {
	if !c.InsecureCookies {
		return nil
	}
	if err := CheckLoopback(addr); err != nil {
		return fmt.Errorf("insecure (non-Secure) session cookies: %w", err)
	}
	return nil
}

// CheckLoopback returns an error unless addr ("host:port") is on loopback.
// Whatever trusts every local process, such as demo logins, must only listen
// there.
func CheckLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("listen address %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("listen address %q is not on loopback; use 127.0.0.1:PORT", addr)
}
