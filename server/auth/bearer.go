package auth

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
)

// maxTokenLen bounds the bearer tokens this package parses; real ID and
// ServiceAccount tokens are a few kilobytes.
const maxTokenLen = 16 << 10

// bearerToken returns the request's bearer token, if any.
func bearerToken(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	if token == "" || len(token) > maxTokenLen {
		return "", false
	}
	return token, true
}

// unverifiedClaims are the claims read before any verification, only to
// decide which authenticator a JWT belongs to (iss), to refuse tokens for
// other audiences without asking anyone (aud), and how long a verified review
// may be cached (exp). They never make a token acceptable.
type unverifiedClaims struct {
	Issuer   string          `json:"iss"`
	Audience json.RawMessage `json:"aud"`
	Expiry   *int64          `json:"exp"`
}

// peekClaims decodes a compact JWS's payload without verifying it; ok is
// false when the token is not shaped like a JWT.
func peekClaims(token string) (unverifiedClaims, bool) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return unverifiedClaims{}, false
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return unverifiedClaims{}, false
	}
	var c unverifiedClaims
	if err := json.Unmarshal(payload, &c); err != nil {
		return unverifiedClaims{}, false
	}
	return c, true
}
