package audit

import (
	"regexp"
	"strings"
)

// redactions are applied in order by Redact. They catch what error messages
// of HTTP clients and S3 SDKs are known to quote: presigned URL query
// parameters, SigV4 Authorization headers, bearer tokens, JWTs and access key
// IDs. Each has a cheap test for a substring every match contains, so clean
// text (nearly all of it) never reaches the regular expressions.
var redactions = []struct {
	may  func(string) bool
	re   *regexp.Regexp
	with string
}{
	{
		func(s string) bool { return strings.IndexByte(s, '=') >= 0 },
		regexp.MustCompile(`(?i)\b((?:x-amz-signature|x-amz-credential|x-amz-security-token|signature|credential|awsaccesskeyid|access_token|id_token|refresh_token|token|password|secret)=)[^&\s"'<>,;]+`),
		"${1}REDACTED",
	},
	{
		func(s string) bool { return containsFold(s, "bearer") || containsFold(s, "basic") },
		regexp.MustCompile(`(?i)\b(bearer|basic)\s+[A-Za-z0-9\-._~+/]+=*`),
		"${1} REDACTED",
	},
	{
		func(s string) bool { return strings.Contains(s, "eyJ") },
		regexp.MustCompile(`\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*`),
		"REDACTED-JWT",
	},
	{
		func(s string) bool {
			return strings.Contains(s, "AKIA") || strings.Contains(s, "ASIA") || strings.Contains(s, "AROA") || strings.Contains(s, "AIDA")
		},
		regexp.MustCompile(`\b(?:AKIA|ASIA|AROA|AIDA)[A-Z0-9]{16}\b`),
		"REDACTED-ACCESS-KEY",
	},
}

// Redact replaces signatures, credentials, tokens and access key IDs in s.
// It is a safety net for free text such as Event.Error, not a licence to put
// secrets there.
func Redact(s string) string {
	for _, r := range redactions {
		if r.may(s) {
			s = r.re.ReplaceAllString(s, r.with)
		}
	}
	return s
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
