package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// jwksMinRefresh is the least time between two fetches of the JWKS.
//
// go-oidc's RemoteKeySet refetches the JWKS for every token whose signature
// does not verify, so anyone can make this server hammer the issuer by
// sending forged tokens with the right iss. This key set refetches only for
// an unknown key ID (a rotation), and at most once per jwksMinRefresh.
const jwksMinRefresh = 10 * time.Second

const maxJWKSBytes = 1 << 20

// errJWKSUnavailable marks a signature that could not be checked because the
// issuer's keys could not be fetched: the caller should answer 503, not 401.
var errJWKSUnavailable = errors.New("issuer's signing keys unavailable")

// jwks is an oidc.KeySet over the issuer's jwks_uri.
type jwks struct {
	url    string
	client *http.Client
	algs   []jose.SignatureAlgorithm
	now    func() time.Time

	mu   sync.RWMutex
	keys []jose.JSONWebKey

	fetchMu   sync.Mutex // serialises fetches; guards fetchedAt
	fetchedAt time.Time
}

func newJWKS(url string, client *http.Client, algs []string) *jwks {
	k := &jwks{url: url, client: client, now: time.Now}
	for _, a := range algs {
		k.algs = append(k.algs, jose.SignatureAlgorithm(a))
	}
	return k
}

// fetchErrorKey carries a *error slot through go-oidc's Verify, which
// flattens the key set's error into a string: the slot lets OIDC tell an
// unreachable issuer (503) from a bad signature (401).
type fetchErrorKey struct{}

func withFetchErrorSlot(ctx context.Context, slot *error) context.Context {
	return context.WithValue(ctx, fetchErrorKey{}, slot)
}

// VerifySignature implements oidc.KeySet. go-oidc has already checked the
// algorithm against the allowed list; this parses with the same list.
func (k *jwks) VerifySignature(ctx context.Context, token string) ([]byte, error) {
	jws, err := jose.ParseSigned(token, k.algs)
	if err != nil {
		return nil, fmt.Errorf("malformed jwt: %w", err)
	}
	if len(jws.Signatures) != 1 {
		return nil, errors.New("want exactly one signature")
	}
	kid := jws.Signatures[0].Header.KeyID
	payload, known, err := verifyWith(k.cached(), jws, kid)
	if known {
		return payload, err
	}
	keys, err := k.refresh(ctx)
	if err != nil {
		if slot, ok := ctx.Value(fetchErrorKey{}).(*error); ok {
			*slot = err
		}
		return nil, err
	}
	payload, known, err = verifyWith(keys, jws, kid)
	if !known {
		return nil, errors.New("no issuer key matches the token's key ID")
	}
	return payload, err
}

// verifyWith verifies jws with the key named kid, or with any key when kid
// is empty. known is false when no key could be tried (unknown kid), or, for
// an empty kid, when none verified: both may be a key rotation.
func verifyWith(keys []jose.JSONWebKey, jws *jose.JSONWebSignature, kid string) (payload []byte, known bool, err error) {
	for i := range keys {
		if kid != "" && keys[i].KeyID != kid {
			continue
		}
		if p, err := jws.Verify(&keys[i]); err == nil {
			return p, true, nil
		}
		known = kid != ""
	}
	return nil, known, errors.New("signature does not verify")
}

func (k *jwks) cached() []jose.JSONWebKey {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.keys
}

// refresh fetches the key set unless one was fetched less than
// jwksMinRefresh ago, in which case the cached keys are returned.
func (k *jwks) refresh(ctx context.Context) ([]jose.JSONWebKey, error) {
	k.fetchMu.Lock()
	defer k.fetchMu.Unlock()
	if !k.fetchedAt.IsZero() && k.now().Sub(k.fetchedAt) < jwksMinRefresh {
		keys := k.cached()
		if len(keys) == 0 {
			return nil, fmt.Errorf("%w: last fetch failed", errJWKSUnavailable)
		}
		return keys, nil
	}
	k.fetchedAt = k.now()
	keys, err := k.fetch(ctx)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errJWKSUnavailable, err)
	}
	k.mu.Lock()
	k.keys = keys
	k.mu.Unlock()
	return keys, nil
}

func (k *jwks) fetch(ctx context.Context) ([]jose.JSONWebKey, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, k.url, nil)
	if err != nil {
		return nil, fmt.Errorf("jwks request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := k.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("get jwks: %w", err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("get jwks: %s", resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxJWKSBytes))
	if err != nil {
		return nil, fmt.Errorf("read jwks: %w", err)
	}
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(body, &set); err != nil {
		return nil, fmt.Errorf("decode jwks: %w", err)
	}
	// A key of a type this library does not know, or meant for encryption,
	// must not make the others unusable.
	var keys []jose.JSONWebKey
	for _, raw := range set.Keys {
		var key jose.JSONWebKey
		if err := json.Unmarshal(raw, &key); err != nil || !key.Valid() || !key.IsPublic() {
			continue
		}
		if key.Use != "" && key.Use != "sig" {
			continue
		}
		keys = append(keys, key)
	}
	if len(keys) == 0 {
		return nil, errors.New("jwks has no usable signing key")
	}
	return keys, nil
}
