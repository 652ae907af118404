package auth

import (
	"fmt"
	"slices"

	"github.com/coreos/go-oidc/v3/oidc"
)

// asymmetricAlgs are the signature algorithms accepted at all: HS* would let
// anyone who knows the (public) client ID forge tokens, and "none" is none.
var asymmetricAlgs = []string{
	oidc.RS256, oidc.RS384, oidc.RS512, oidc.ES256, oidc.ES384, oidc.ES512,
	oidc.PS256, oidc.PS384, oidc.PS512, oidc.EdDSA,
}

// signingAlgs returns the configured algorithms, else the asymmetric ones
// the issuer advertises, else RS256.
func signingAlgs(configured, advertised []string) ([]string, error) {
	if len(configured) > 0 {
		for _, a := range configured {
			if !slices.Contains(asymmetricAlgs, a) {
				return nil, fmt.Errorf("signing algorithm %q not supported (want one of %v)", a, asymmetricAlgs)
			}
		}
		return configured, nil
	}
	var algs []string
	for _, a := range advertised {
		if slices.Contains(asymmetricAlgs, a) {
			algs = append(algs, a)
		}
	}
	if len(algs) == 0 {
		algs = []string{oidc.RS256}
	}
	return algs, nil
}
