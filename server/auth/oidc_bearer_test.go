package auth_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/s3am/s3-access-manager/internal/testenv/oidcissuer"

	"github.com/s3am/s3-access-manager/server/auth"
)

func TestBearerJWT(t *testing.T) {
	is := oidcissuer.Start(t)
	a := newApp(t, is, nil, nil)

	t.Run("valid", func(t *testing.T) {
		resp, body := a.do("GET", "/api/whoami", bearer(is.Sign(is.Claims(map[string]any{"email": "bob@example.com", "groups": []string{"g1", "g2"}}))))
		expectStatus(t, resp, body, 200)
		id := identity(t, body)
		if id.User != "bob@example.com" || !slices.Equal(id.Groups, []string{"g1", "g2"}) || id.Method != auth.MethodOIDC {
			t.Fatalf("identity %+v", id)
		}
	})
	t.Run("ES256 key from the same JWKS", func(t *testing.T) {
		ec := is.Keys()[1]
		resp, body := a.do("GET", "/api/whoami", bearer(is.SignWith(ec, is.Claims(map[string]any{"email": "ec@example.com"}))))
		expectStatus(t, resp, body, 200)
		if id := identity(t, body); id.User != "ec@example.com" || len(id.Groups) != 0 {
			t.Fatalf("identity %+v", id)
		}
	})
	t.Run("state-changing bearer requests need no CSRF token", func(t *testing.T) {
		h := bearer(is.Sign(is.Claims(map[string]any{"email": "bob@example.com"})))
		h.Set("Origin", "https://elsewhere.example")
		resp, body := a.do("POST", "/api/things", h)
		expectStatus(t, resp, body, 200)
	})

	rejectedCases := []struct {
		name   string
		token  func() string
		reason string
		cause  string // in the error, for logs
	}{
		{"expired", func() string {
			c := is.Claims(map[string]any{"email": "bob@example.com"})
			c["exp"] = time.Now().Add(-time.Minute).Unix()
			return is.Sign(c)
		}, "token expired", "credential expired"},
		{"wrong audience", func() string {
			c := is.Claims(map[string]any{"email": "bob@example.com"})
			c["aud"] = "some-other-client"
			return is.Sign(c)
		}, "invalid token", "expected audience"},
		{"bad signature (other key, same kid)", func() string {
			return is.SignWith(oidcissuer.NewRSAKey(t, "rsa-1"), is.Claims(map[string]any{"email": "bob@example.com"}))
		}, "invalid token", "signature does not verify"},
		{"payload changed after signing", func() string {
			tok := is.Sign(is.Claims(map[string]any{"email": "bob@example.com"}))
			parts := strings.Split(tok, ".")
			c := is.Claims(map[string]any{"email": "admin@example.com"})
			p, _ := json.Marshal(c)
			parts[1] = base64.RawURLEncoding.EncodeToString(p)
			return strings.Join(parts, ".")
		}, "invalid token", "signature does not verify"},
		{"alg none", func() string {
			return unsignedJWT(map[string]any{"alg": "none", "typ": "JWT"}, is.Claims(map[string]any{"email": "bob@example.com"}), "")
		}, "invalid token", "unexpected signature algorithm"},
		{"HS256 keyed with the issuer's public key", func() string {
			pub, _ := x509.MarshalPKIXPublicKey(is.Keys()[0].Signer.Public())
			return hs256JWT(pub, is.Claims(map[string]any{"email": "bob@example.com"}))
		}, "invalid token", "unexpected signature algorithm"},
		{"email not verified", func() string {
			return is.Sign(is.Claims(map[string]any{"email": "bob@example.com", "email_verified": false}))
		}, "token does not name a user", "email not verified"},
		{"no email", func() string { return is.Sign(is.Claims(map[string]any{"sub": "x"})) }, "token does not name a user", `claim "email" missing`},
		{"groups claim of the wrong type", func() string {
			return is.Sign(is.Claims(map[string]any{"email": "bob@example.com", "groups": 42}))
		}, "token does not name a user", "neither a string nor an array"},
	}
	for _, tc := range rejectedCases {
		t.Run(tc.name, func(t *testing.T) {
			tok := tc.token()
			resp, body := a.do("GET", "/api/whoami", bearer(tok))
			expectStatus(t, resp, body, http.StatusUnauthorized)
			if !strings.Contains(body, tc.reason) {
				t.Fatalf("body %s, want reason %q", body, tc.reason)
			}
			if sig := strings.Split(tok, ".")[2]; strings.Contains(body, tok) || sig != "" && strings.Contains(body, sig) {
				t.Fatalf("the response echoes the token: %s", body)
			}
			_, ok, err := a.stack.OIDC.Authenticate(bearerRequest(tok))
			if !ok || err == nil || !strings.Contains(err.Error(), tc.cause) || strings.Contains(err.Error(), tok) {
				t.Fatalf("Authenticate: ok %v, error %v; want cause %q", ok, err, tc.cause)
			}
			if !strings.Contains(resp.Header.Get("WWW-Authenticate"), "Bearer") {
				t.Fatalf("WWW-Authenticate %q", resp.Header.Get("WWW-Authenticate"))
			}
		})
	}

	t.Run("other issuer's token is not OIDC's", func(t *testing.T) {
		other := oidcissuer.Start(t)
		resp, body := a.do("GET", "/api/whoami", bearer(other.Sign(other.Claims(map[string]any{"email": "bob@example.com"}))))
		expectStatus(t, resp, body, http.StatusUnauthorized)
		if !strings.Contains(body, "authentication required") {
			t.Fatalf("body %s: the token should have been left to the next authenticator", body)
		}
	})
	t.Run("no credential", func(t *testing.T) {
		resp, body := a.do("GET", "/api/whoami", nil)
		expectStatus(t, resp, body, http.StatusUnauthorized)
	})
}

func TestBearerClaimMapping(t *testing.T) {
	is := oidcissuer.Start(t)
	cases := []struct {
		name       string
		configure  func(*auth.OIDCConfig)
		claims     map[string]any
		wantUser   string
		wantGroups []string
	}{
		{"groups absent", nil, map[string]any{"email": "a@x"}, "a@x", nil},
		{"groups null", nil, map[string]any{"email": "a@x", "groups": nil}, "a@x", nil},
		{"groups as one string", nil, map[string]any{"email": "a@x", "groups": "solo"}, "a@x", []string{"solo"}},
		{"groups empty array", nil, map[string]any{"email": "a@x", "groups": []string{}}, "a@x", nil},
		{"email_verified as string", nil, map[string]any{"email": "a@x", "email_verified": "true"}, "a@x", nil},
		{"username from sub, with prefixes", func(c *auth.OIDCConfig) {
			c.UsernameClaim, c.UsernamePrefix, c.GroupsPrefix = "sub", "oidc:", "oidc:"
		}, map[string]any{"sub": "u-1", "email": "a@x", "email_verified": false, "groups": []string{"g"}}, "oidc:u-1", []string{"oidc:g"}},
		{"custom groups claim", func(c *auth.OIDCConfig) { c.GroupsClaim = "roles" },
			map[string]any{"email": "a@x", "groups": []string{"ignored"}, "roles": []string{"admin"}}, "a@x", []string{"admin"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := newApp(t, is, nil, func(c *auth.Config) {
				if tc.configure != nil {
					tc.configure(&c.OIDC)
				}
			})
			resp, body := a.do("GET", "/api/whoami", bearer(is.Sign(is.Claims(tc.claims))))
			expectStatus(t, resp, body, 200)
			id := identity(t, body)
			if id.User != tc.wantUser || !slices.Equal(id.Groups, tc.wantGroups) {
				t.Fatalf("identity %+v, want %s %v", id, tc.wantUser, tc.wantGroups)
			}
		})
	}
}

func TestBearerKeyRotationAndJWKSFetches(t *testing.T) {
	is := oidcissuer.Start(t)
	a := newApp(t, is, nil, nil)
	now := time.Now()
	auth.SetJWKSClock(a.stack.OIDC, func() time.Time { return now })

	good := is.Sign(is.Claims(map[string]any{"email": "a@x"}))
	resp, body := a.do("GET", "/api/whoami", bearer(good))
	expectStatus(t, resp, body, 200)
	if n := is.JWKSHits(); n != 1 {
		t.Fatalf("JWKS fetched %d times for the first token, want 1", n)
	}

	// Forged tokens, with a known or an unknown key ID, must not make the
	// server refetch the JWKS each time.
	for i := range 20 {
		kid := "rsa-1"
		if i%2 == 1 {
			kid = "unknown"
		}
		resp, body := a.do("GET", "/api/whoami", bearer(is.SignWith(newRSAKeyCached(t, kid), is.Claims(map[string]any{"email": "a@x"}))))
		expectStatus(t, resp, body, http.StatusUnauthorized)
	}
	if n := is.JWKSHits(); n != 1 {
		t.Fatalf("JWKS fetched %d times after forged tokens within the refresh interval, want 1", n)
	}

	// A rotation is picked up once the interval has passed.
	is.Rotate(oidcissuer.NewRSAKey(t, "rsa-2"))
	rotated := is.Sign(is.Claims(map[string]any{"email": "a@x"}))
	now = now.Add(auth.JWKSMinRefresh + time.Second)
	resp, body = a.do("GET", "/api/whoami", bearer(rotated))
	expectStatus(t, resp, body, 200)
	if n := is.JWKSHits(); n != 2 {
		t.Fatalf("JWKS fetched %d times after a rotation, want 2", n)
	}
	resp, body = a.do("GET", "/api/whoami", bearer(good))
	expectStatus(t, resp, body, 200)
}

func TestBearerJWKSUnavailable(t *testing.T) {
	is := oidcissuer.Start(t)
	a := newApp(t, is, nil, nil)
	is.SetJWKSStatus(http.StatusInternalServerError)
	resp, body := a.do("GET", "/api/whoami", bearer(is.Sign(is.Claims(map[string]any{"email": "a@x"}))))
	expectStatus(t, resp, body, http.StatusServiceUnavailable)
	if !strings.Contains(body, "signing keys") {
		t.Fatalf("body %s", body)
	}
}

var cachedKeys = map[string]oidcissuer.Key{}

// newRSAKeyCached reuses one generated key per kid: RSA generation is slow.
func newRSAKeyCached(t testing.TB, kid string) oidcissuer.Key {
	if k, ok := cachedKeys[kid]; ok {
		return k
	}
	k := oidcissuer.NewRSAKey(t, kid)
	cachedKeys[kid] = k
	return k
}

func unsignedJWT(header, claims map[string]any, sig string) string {
	h, _ := json.Marshal(header)
	c, _ := json.Marshal(claims)
	return base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(c) + "." + sig
}

func hs256JWT(key []byte, claims map[string]any) string {
	unsigned := strings.TrimSuffix(unsignedJWT(map[string]any{"alg": "HS256", "typ": "JWT", "kid": "rsa-1"}, claims, ""), ".")
	m := hmac.New(sha256.New, key)
	m.Write([]byte(unsigned))
	return unsigned + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}
