package links

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
)

// TokenBytes is the entropy of a link token: 256 bits from crypto/rand.
const TokenBytes = 32

// tokenLen is the length of a token: TokenBytes in unpadded base64url.
var tokenLen = base64.RawURLEncoding.EncodedLen(TokenBytes)

// hashPrefix marks the hash function of a stored token hash.
const hashPrefix = "sha256:"

// NewToken returns a fresh link token and the hash to store in the
// AccessLink. The token is shown once, to its creator, and stored nowhere.
func NewToken() (token, hash string, err error) {
	b := make([]byte, TokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("link token: %w", err)
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token), nil
}

// HashToken is the stored form of token. The token carries 256 random bits,
// so one SHA-256 suffices: nobody can search that space, slow hash or not.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hashPrefix + hex.EncodeToString(sum[:])
}

// WellFormedToken reports whether s has the shape of a token NewToken
// makes, so that a malformed one is refused before any lookup.
func WellFormedToken(s string) bool {
	if len(s) != tokenLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// TokenMatches reports, in constant time, whether token hashes to hash.
func TokenMatches(token, hash string) bool {
	return subtle.ConstantTimeCompare([]byte(HashToken(token)), []byte(hash)) == 1
}
