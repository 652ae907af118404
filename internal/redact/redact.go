// Package redact removes secrets from text before it is logged, stored,
// shown in a status or returned in an error: presigned URLs' signatures and
// credentials (also percent-encoded or JSON-escaped inside other text),
// SigV4 Authorization headers, bearer and basic credentials, JWTs, secret
// query parameters, AWS access key IDs, and any value the caller knows to be
// secret. It is a safety net for free text, not a licence to put secrets
// there. Every part of the product that redacts uses it, so all redact the
// same things.
package redact

import (
	"cmp"
	"regexp"
	"slices"
	"strings"
)

// Mark replaces each secret.
const Mark = "REDACTED"

// MinValueLen is the shortest known value Values replaces: shorter ones
// cannot be real keys, and replacing them would shred ordinary words. MinIO
// access keys are at least 3 characters.
const MinValueLen = 3

// patterns are applied in order. Each has a cheap test for a substring every
// match contains, so clean text (nearly all of it) never reaches the regular
// expressions.
var patterns = []struct {
	may  func(string) bool
	re   *regexp.Regexp
	with string
}{
	{
		// A presigned URL's signature (with the rest of the URL, a bearer
		// token), credential (naming the access key ID) and session token,
		// also when the URL is percent-encoded inside another URL or
		// JSON-escaped. Everything else of the URL (host, bucket, key,
		// expiry) is kept, so the result is still useful in a log line.
		func(s string) bool { return containsFold(s, "x-amz-") },
		regexp.MustCompile(`(?i)((?:^|[?&;\s"'(]|%26|%3F|\\u0026)X-Amz-(?:Signature|Credential|Security-Token)(?:=|%3D))(?:[^&;\s"'#)%\\]|%(?:[013-9A-F][0-9A-F]|2[0-57-9A-F]))*`),
		"${1}" + Mark,
	},
	{
		func(s string) bool { return strings.IndexByte(s, '=') >= 0 },
		regexp.MustCompile(`(?i)\b((?:x-amz-signature|x-amz-credential|x-amz-security-token|signature|credential|awsaccesskeyid|access_token|id_token|refresh_token|token|password|secret)=)[^&\s"'<>,;]+`),
		"${1}" + Mark,
	},
	{
		func(s string) bool { return containsFold(s, "bearer") || containsFold(s, "basic") },
		regexp.MustCompile(`(?i)\b(bearer|basic)\s+[A-Za-z0-9\-._~+/]+=*`),
		"${1} " + Mark,
	},
	{
		func(s string) bool { return strings.Contains(s, "eyJ") },
		regexp.MustCompile(`\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*`),
		Mark,
	},
	{
		// AWS access key IDs (long-term AKIA, temporary ASIA, and the other
		// IAM unique-ID prefixes), which AWS messages sometimes echo.
		func(s string) bool { return strings.Contains(s, "A") },
		regexp.MustCompile(`\b(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|APKA|AROA|ASCA)[A-Z0-9]{16}\b`),
		Mark,
	},
}

// String replaces everything in s shaped like a secret.
func String(s string) string {
	for _, p := range patterns {
		if p.may(s) {
			s = p.re.ReplaceAllString(s, p.with)
		}
	}
	return s
}

// Values replaces every known secret value in s (longest first, so a value
// that contains another is removed whole; values shorter than MinValueLen
// are left), then everything String replaces.
func Values(s string, values ...string) string {
	values = slices.DeleteFunc(slices.Clone(values), func(v string) bool { return len(v) < MinValueLen })
	slices.SortFunc(values, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	for _, v := range values {
		s = strings.ReplaceAll(s, v, Mark)
	}
	return String(s)
}

// containsFold reports whether s contains the lowercase ASCII word, in any
// case, without allocating.
func containsFold(s, word string) bool {
	for i := 0; i+len(word) <= len(s); i++ {
		if s[i]|0x20 == word[0] && strings.EqualFold(s[i:i+len(word)], word) {
			return true
		}
	}
	return false
}
