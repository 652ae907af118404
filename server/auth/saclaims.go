package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
)

// maxShownClaim bounds an unverified claim quoted in an error (for logs).
const maxShownClaim = 256

// checkLocally refuses, before any TokenReview, a token whose unverified
// claims already show it is not for this server: issued by someone other
// than the cluster, or bound to no audience, or to one besides ours.
// Unverified claims can only refuse a token, never accept one.
func (s *ServiceAccounts) checkLocally(ctx context.Context, c unverifiedClaims) error {
	issuers, err := s.clusterIssuers(ctx)
	if err != nil {
		return err
	}
	if !slices.Contains(issuers, c.Issuer) {
		return rejected(MethodServiceAccount, "token not issued by this cluster or the OIDC issuer",
			fmt.Errorf("issuer %q, want one of %q", shorten(c.Issuer), issuers))
	}
	aud, err := stringOrStrings(c.Audience)
	if err != nil || len(aud) == 0 {
		return rejected(MethodServiceAccount, "service account token without an audience", err)
	}
	for _, a := range aud {
		if !slices.Contains(s.audiences, a) {
			return rejected(MethodServiceAccount,
				fmt.Sprintf("service account token not bound to this server's audience alone: request it with audience %q and nothing else", s.audiences[0]),
				fmt.Errorf("token audience %q, want only %q", shorten(a), s.audiences))
		}
	}
	return nil
}

// errNoIssuer answers tokens while the cluster's issuer is unknown.
var errNoIssuer = unavailable(MethodServiceAccount, "cannot discover the cluster's token issuer", nil)

// clusterIssuers returns the configured issuers, else the one the API server
// publishes, discovered once. While discovery fails, tokens are answered 503
// and discovery is retried at most every few seconds.
func (s *ServiceAccounts) clusterIssuers(ctx context.Context) ([]string, error) {
	if len(s.issuers) > 0 {
		return s.issuers, nil
	}
	if iss := s.found.Load(); iss != nil {
		return []string{*iss}, nil
	}
	if at := s.failed.Load(); at != nil && s.now().Sub(*at) < negativeTTL {
		return nil, errNoIssuer
	}
	v, err, _ := s.inflight.Do("discovery", func() (any, error) {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), reviewTimeout)
		defer cancel()
		raw, err := s.discovery.Get().AbsPath("/.well-known/openid-configuration").Do(ctx).Raw()
		if err != nil {
			return nil, unavailable(MethodServiceAccount, "cannot discover the cluster's token issuer", err)
		}
		var doc struct {
			Issuer string `json:"issuer"`
		}
		if err := json.Unmarshal(raw, &doc); err != nil || doc.Issuer == "" {
			return nil, unavailable(MethodServiceAccount, "cannot discover the cluster's token issuer",
				errors.Join(errors.New("no issuer in /.well-known/openid-configuration"), err))
		}
		s.found.Store(&doc.Issuer)
		return doc.Issuer, nil
	})
	if err != nil {
		now := s.now()
		s.failed.Store(&now)
		return nil, err
	}
	return []string{v.(string)}, nil
}

func shorten(s string) string {
	if len(s) > maxShownClaim {
		return s[:maxShownClaim] + "…"
	}
	return s
}
