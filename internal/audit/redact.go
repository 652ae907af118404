package audit

import "regexp"

// redactions are applied in order by Redact. They catch what error messages
// of HTTP clients and S3 SDKs are known to quote: presigned URL query
// parameters, SigV4 Authorization headers, bearer tokens, JWTs and access key
// IDs.
var redactions = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`(?i)\b((?:x-amz-signature|x-amz-credential|x-amz-security-token|signature|credential|awsaccesskeyid|access_token|id_token|refresh_token|token|password|secret)=)[^&\s"'<>,;]+`), "${1}REDACTED"},
	{regexp.MustCompile(`(?i)\b(bearer|basic)\s+[A-Za-z0-9\-._~+/]+=*`), "${1} REDACTED"},
	{regexp.MustCompile(`\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*`), "REDACTED-JWT"},
	{regexp.MustCompile(`\b(?:AKIA|ASIA|AROA|AIDA)[A-Z0-9]{16}\b`), "REDACTED-ACCESS-KEY"},
}

// Redact replaces signatures, credentials, tokens and access key IDs in s.
// It is a safety net for free text such as Event.Error, not a licence to put
// secrets there.
func Redact(s string) string {
	for _, r := range redactions {
		s = r.re.ReplaceAllString(s, r.with)
	}
	return s
}
