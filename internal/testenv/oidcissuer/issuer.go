// Package oidcissuer runs a real OpenID provider on a local HTTP server for
// tests: a discovery document, a JWKS, an authorization endpoint that approves
// at once as the configured user, and a token endpoint that checks the
// client, the redirect URI and the PKCE verifier. Tokens are signed by keys
// the test holds, so the code under test verifies them exactly as it would a
// real provider's.
package oidcissuer

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// The one client the issuer knows.
const (
	ClientID     = "s3am-test-client"
	ClientSecret = "s3am-test-secret"
)

// Key is a signing key of the issuer.
type Key struct {
	KID    string
	Alg    jose.SignatureAlgorithm
	Signer crypto.Signer
}

// NewRSAKey generates an RS256 key.
func NewRSAKey(t testing.TB, kid string) Key {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return Key{KID: kid, Alg: jose.RS256, Signer: k}
}

// NewECKey generates an ES256 key.
func NewECKey(t testing.TB, kid string) Key {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return Key{KID: kid, Alg: jose.ES256, Signer: k}
}

// Issuer is the running provider.
type Issuer struct {
	t   testing.TB
	srv *httptest.Server

	mu          sync.Mutex
	keys        []Key // published in the JWKS
	current     Key   // signs ID tokens at the token endpoint
	user        map[string]any
	redirectURI string
	codes       map[string]authRequest
	wrongNonce  bool
	jwksStatus  int

	jwksHits  atomic.Int64
	tokenHits atomic.Int64
}

type authRequest struct {
	challenge   string
	nonce       string
	redirectURI string
	user        map[string]any
}

// Start serves a new issuer until the test ends. It publishes an RSA key
// "rsa-1" (which signs) and an EC key "ec-1", and logs everyone in as
// alice@example.com (groups team-a) until SetUser says otherwise.
func Start(t testing.TB) *Issuer {
	t.Helper()
	rsaKey := NewRSAKey(t, "rsa-1")
	is := &Issuer{
		t:       t,
		keys:    []Key{rsaKey, NewECKey(t, "ec-1")},
		current: rsaKey,
		user:    map[string]any{"sub": "u-alice", "email": "alice@example.com", "email_verified": true, "groups": []string{"team-a"}},
		codes:   map[string]authRequest{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", is.discovery)
	mux.HandleFunc("GET /keys", is.jwks)
	mux.HandleFunc("GET /authorize", is.authorize)
	mux.HandleFunc("POST /token", is.token)
	is.srv = httptest.NewServer(mux)
	t.Cleanup(is.srv.Close)
	return is
}

// URL is the issuer URL, as in its tokens' iss claim.
func (is *Issuer) URL() string { return is.srv.URL }

// SetUser sets the claims of whoever logs in next.
func (is *Issuer) SetUser(claims map[string]any) { is.locked(func() { is.user = claims }) }

// SetRedirectURI registers the client's one redirect URI.
func (is *Issuer) SetRedirectURI(u string) { is.locked(func() { is.redirectURI = u }) }

// SetWrongNonce makes the token endpoint put a nonce in ID tokens that no
// login asked for.
func (is *Issuer) SetWrongNonce(wrong bool) { is.locked(func() { is.wrongNonce = wrong }) }

// SetJWKSStatus makes the JWKS endpoint fail with status; 0 serves it again.
func (is *Issuer) SetJWKSStatus(status int) { is.locked(func() { is.jwksStatus = status }) }

// Keys returns the published keys.
func (is *Issuer) Keys() []Key {
	is.mu.Lock()
	defer is.mu.Unlock()
	return slices.Clone(is.keys)
}

// JWKSHits counts the JWKS requests served.
func (is *Issuer) JWKSHits() int64 { return is.jwksHits.Load() }

// TokenHits counts the token requests served.
func (is *Issuer) TokenHits() int64 { return is.tokenHits.Load() }

// Rotate publishes a new key and signs with it from now on.
func (is *Issuer) Rotate(k Key) {
	is.locked(func() {
		is.keys = append(is.keys, k)
		is.current = k
	})
}

// locked runs f holding the lock of the issuer's state, which the
// endpoints read while tests change it.
func (is *Issuer) locked(f func()) {
	is.mu.Lock()
	defer is.mu.Unlock()
	f()
}

// Claims returns ID token claims for user from this issuer to ClientID,
// valid for an hour.
func (is *Issuer) Claims(user map[string]any) map[string]any {
	now := time.Now()
	c := map[string]any{
		"iss": is.URL(),
		"aud": ClientID,
		"iat": now.Unix(),
		"exp": now.Add(time.Hour).Unix(),
	}
	for k, v := range user {
		c[k] = v
	}
	return c
}

// Sign signs claims with the issuer's current key.
func (is *Issuer) Sign(claims map[string]any) string {
	is.mu.Lock()
	key := is.current
	is.mu.Unlock()
	return is.SignWith(key, claims)
}

// SignWith signs claims with key, published or not.
func (is *Issuer) SignWith(key Key, claims map[string]any) string {
	is.t.Helper()
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: key.Alg, Key: jose.JSONWebKey{Key: key.Signer, KeyID: key.KID}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		is.t.Fatal(err)
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		is.t.Fatal(err)
	}
	obj, err := signer.Sign(payload)
	if err != nil {
		is.t.Fatal(err)
	}
	s, err := obj.CompactSerialize()
	if err != nil {
		is.t.Fatal(err)
	}
	return s
}
