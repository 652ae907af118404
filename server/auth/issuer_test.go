package auth_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

const (
	testClientID     = "s3am-test-client"
	testClientSecret = "s3am-test-secret"
)

// testIssuer is a real OpenID provider on a local HTTP server: discovery,
// JWKS, an authorization endpoint that approves at once as the current user,
// and a token endpoint that checks the client, the redirect URI and the PKCE
// verifier.
type testIssuer struct {
	t   testing.TB
	srv *httptest.Server

	mu          sync.Mutex
	keys        []signingKey // published in the JWKS
	current     signingKey   // signs ID tokens at the token endpoint
	user        map[string]any
	redirectURI string
	codes       map[string]authRequest
	wrongNonce  bool
	jwksStatus  int

	jwksHits  atomic.Int64
	tokenHits atomic.Int64
}

type signingKey struct {
	kid  string
	alg  jose.SignatureAlgorithm
	priv crypto.Signer
}

type authRequest struct {
	challenge   string
	nonce       string
	redirectURI string
	user        map[string]any
}

func newRSAKey(t testing.TB, kid string) signingKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return signingKey{kid: kid, alg: jose.RS256, priv: k}
}

func newECKey(t testing.TB, kid string) signingKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return signingKey{kid: kid, alg: jose.ES256, priv: k}
}

func newTestIssuer(t testing.TB) *testIssuer {
	t.Helper()
	rsaKey := newRSAKey(t, "rsa-1")
	is := &testIssuer{
		t:       t,
		keys:    []signingKey{rsaKey, newECKey(t, "ec-1")},
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

func (is *testIssuer) URL() string { return is.srv.URL }

func (is *testIssuer) setUser(claims map[string]any) {
	is.mu.Lock()
	defer is.mu.Unlock()
	is.user = claims
}

func (is *testIssuer) setRedirectURI(u string) {
	is.mu.Lock()
	defer is.mu.Unlock()
	is.redirectURI = u
}

func (is *testIssuer) discovery(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                is.URL(),
		"authorization_endpoint":                is.URL() + "/authorize",
		"token_endpoint":                        is.URL() + "/token",
		"jwks_uri":                              is.URL() + "/keys",
		"response_types_supported":              []string{"code"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256", "ES256"},
		"code_challenge_methods_supported":      []string{"S256"},
	})
}

func (is *testIssuer) jwks(w http.ResponseWriter, _ *http.Request) {
	is.jwksHits.Add(1)
	is.mu.Lock()
	defer is.mu.Unlock()
	if is.jwksStatus != 0 {
		http.Error(w, "unavailable", is.jwksStatus)
		return
	}
	var set jose.JSONWebKeySet
	for _, k := range is.keys {
		set.Keys = append(set.Keys, jose.JSONWebKey{Key: k.priv.Public(), KeyID: k.kid, Algorithm: string(k.alg), Use: "sig"})
	}
	writeJSON(w, http.StatusOK, set)
}

func (is *testIssuer) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	is.mu.Lock()
	defer is.mu.Unlock()
	switch {
	case q.Get("response_type") != "code":
		http.Error(w, "response_type must be code", http.StatusBadRequest)
	case q.Get("client_id") != testClientID:
		http.Error(w, "unknown client", http.StatusBadRequest)
	case q.Get("redirect_uri") != is.redirectURI:
		http.Error(w, "redirect_uri not registered", http.StatusBadRequest)
	case q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "":
		http.Error(w, "PKCE S256 required", http.StatusBadRequest)
	case q.Get("state") == "" || q.Get("nonce") == "":
		http.Error(w, "state and nonce required", http.StatusBadRequest)
	case !slices.Contains(strings.Fields(q.Get("scope")), "openid"):
		http.Error(w, "scope openid required", http.StatusBadRequest)
	default:
		code := rand.Text()
		is.codes[code] = authRequest{challenge: q.Get("code_challenge"), nonce: q.Get("nonce"), redirectURI: q.Get("redirect_uri"), user: is.user}
		back, _ := url.Parse(q.Get("redirect_uri"))
		bq := back.Query()
		bq.Set("code", code)
		bq.Set("state", q.Get("state"))
		back.RawQuery = bq.Encode()
		http.Redirect(w, r, back.String(), http.StatusFound)
	}
}

func (is *testIssuer) token(w http.ResponseWriter, r *http.Request) {
	is.tokenHits.Add(1)
	if err := r.ParseForm(); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request"})
		return
	}
	id, secret, ok := r.BasicAuth()
	if ok {
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
	} else {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != testClientID || secret != testClientSecret {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client"})
		return
	}
	is.mu.Lock()
	req, found := is.codes[r.PostForm.Get("code")]
	delete(is.codes, r.PostForm.Get("code")) // codes are single-use
	wrongNonce, key := is.wrongNonce, is.current
	is.mu.Unlock()
	sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
	switch {
	case r.PostForm.Get("grant_type") != "authorization_code" || !found:
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant"})
		return
	case r.PostForm.Get("redirect_uri") != req.redirectURI:
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant", "error_description": "redirect_uri mismatch"})
		return
	case base64.RawURLEncoding.EncodeToString(sum[:]) != req.challenge:
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant", "error_description": "PKCE verification failed"})
		return
	}
	claims := is.claims(req.user)
	claims["nonce"] = req.nonce
	if wrongNonce {
		claims["nonce"] = "not-the-login-nonce"
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": rand.Text(),
		"token_type":   "Bearer",
		"expires_in":   3600,
		"id_token":     is.signWith(key, claims),
	})
}

// claims returns ID token claims for user from this issuer to the test client.
func (is *testIssuer) claims(user map[string]any) map[string]any {
	now := time.Now()
	c := map[string]any{
		"iss": is.URL(),
		"aud": testClientID,
		"iat": now.Unix(),
		"exp": now.Add(time.Hour).Unix(),
	}
	for k, v := range user {
		c[k] = v
	}
	return c
}

// sign signs claims with the issuer's current key.
func (is *testIssuer) sign(claims map[string]any) string {
	is.mu.Lock()
	key := is.current
	is.mu.Unlock()
	return is.signWith(key, claims)
}

func (is *testIssuer) signWith(key signingKey, claims map[string]any) string {
	is.t.Helper()
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: key.alg, Key: jose.JSONWebKey{Key: key.priv, KeyID: key.kid}},
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

// rotate publishes a new key and signs with it from now on.
func (is *testIssuer) rotate(k signingKey) {
	is.mu.Lock()
	defer is.mu.Unlock()
	is.keys = append(is.keys, k)
	is.current = k
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v) // the test reading it reports a broken body
}
