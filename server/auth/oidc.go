package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// issuerTimeout bounds every call to the issuer.
const issuerTimeout = 15 * time.Second

// OIDC verifies the issuer's JWTs: as bearer tokens (Authenticate) and as
// ID tokens at the end of the browser login (Login, Callback).
type OIDC struct {
	issuer   string
	client   *http.Client
	verifier *oidc.IDTokenVerifier
	keys     *jwks
	claims   claimMapping
	oauth    oauth2.Config // browser login; RedirectURL empty when disabled
	sessions *Sessions     // nil when the browser login is disabled
}

// NewOIDC discovers the issuer (so it must be reachable) and returns its
// verifier. sessions is needed for the browser login only (cfg.RedirectURL);
// client, when nil, is a client with a timeout, and should carry the CA of a
// private issuer otherwise.
func NewOIDC(ctx context.Context, cfg OIDCConfig, sessions *Sessions, client *http.Client) (*OIDC, error) {
	cfg.setDefaults()
	if cfg.IssuerURL == "" || cfg.ClientID == "" {
		return nil, errors.New("oidc: issuer URL and client ID are required")
	}
	if err := checkLoginConfig(cfg, sessions); err != nil {
		return nil, err
	}
	if client == nil {
		client = &http.Client{Timeout: issuerTimeout}
	}
	dctx, cancel := context.WithTimeout(oidc.ClientContext(ctx, client), issuerTimeout)
	defer cancel()
	provider, err := oidc.NewProvider(dctx, cfg.IssuerURL)
	if err != nil {
		return nil, fmt.Errorf("oidc discovery of %s: %w", cfg.IssuerURL, err)
	}
	var meta struct {
		JWKSURL string   `json:"jwks_uri"`
		Algs    []string `json:"id_token_signing_alg_values_supported"`
	}
	if err := provider.Claims(&meta); err != nil {
		return nil, fmt.Errorf("oidc discovery of %s: %w", cfg.IssuerURL, err)
	}
	if meta.JWKSURL == "" {
		return nil, fmt.Errorf("oidc discovery of %s: no jwks_uri", cfg.IssuerURL)
	}
	algs, err := signingAlgs(cfg.SigningAlgs, meta.Algs)
	if err != nil {
		return nil, fmt.Errorf("oidc: %w", err)
	}
	keys := newJWKS(meta.JWKSURL, client, algs)
	o := &OIDC{
		issuer: cfg.IssuerURL,
		client: client,
		keys:   keys,
		verifier: oidc.NewVerifier(cfg.IssuerURL, keys, &oidc.Config{
			ClientID:             cfg.ClientID,
			SupportedSigningAlgs: algs,
		}),
		claims: claimMapping{
			usernameClaim: cfg.UsernameClaim, usernamePrefix: cfg.UsernamePrefix,
			groupsClaim: cfg.GroupsClaim, groupsPrefix: cfg.GroupsPrefix,
		},
	}
	if cfg.RedirectURL != "" {
		o.sessions = sessions
		o.oauth = oauth2.Config{
			ClientID:     cfg.ClientID,
			ClientSecret: cfg.ClientSecret.Reveal(),
			Endpoint:     provider.Endpoint(),
			RedirectURL:  cfg.RedirectURL,
			Scopes:       cfg.Scopes,
		}
	}
	return o, nil
}

// Authenticate authenticates a bearer JWT whose iss is this issuer; other
// bearer tokens (ServiceAccount tokens, other issuers) are not its own.
func (o *OIDC) Authenticate(r *http.Request) (Identity, bool, error) {
	token, ok := bearerToken(r)
	if !ok {
		return Identity{}, false, nil
	}
	if c, ok := peekClaims(token); !ok || c.Issuer != o.issuer {
		return Identity{}, false, nil
	}
	ctx, cancel := context.WithTimeout(r.Context(), issuerTimeout)
	defer cancel()
	id, err := o.verify(ctx, token, MethodOIDC)
	if err != nil {
		return Identity{}, true, err
	}
	return id, true, nil
}

// verify checks a JWT (signature, issuer, audience, expiry) and maps its
// claims; the *Error it returns never contains the token.
func (o *OIDC) verify(ctx context.Context, token, method string) (Identity, error) {
	tok, err := o.verifyToken(ctx, token, method)
	if err != nil {
		return Identity{}, err
	}
	return o.identity(tok, method)
}

func (o *OIDC) verifyToken(ctx context.Context, token, method string) (*oidc.IDToken, error) {
	var fetchErr error
	tok, err := o.verifier.Verify(withFetchErrorSlot(ctx, &fetchErr), token)
	if err != nil {
		if fetchErr != nil {
			return nil, unavailable(method, "cannot fetch the issuer's signing keys", fetchErr)
		}
		var expired *oidc.TokenExpiredError
		if errors.As(err, &expired) {
			return nil, rejected(method, "token expired", fmt.Errorf("%w at %s", ErrExpired, expired.Expiry.UTC().Format(time.RFC3339)))
		}
		return nil, rejected(method, "invalid token", err)
	}
	return tok, nil
}

func (o *OIDC) identity(tok *oidc.IDToken, method string) (Identity, error) {
	var claims map[string]json.RawMessage
	if err := tok.Claims(&claims); err != nil {
		return Identity{}, rejected(method, "invalid token claims", err)
	}
	id, err := o.claims.identity(claims, method)
	if err != nil {
		return Identity{}, rejected(method, "token does not name a user", err)
	}
	return id, nil
}
