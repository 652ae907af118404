package objects

import "regexp"

// redacted replaces secret values in redacted text.
const redacted = "REDACTED"

// secretQuery matches the query parameters of a presigned URL that must not
// be logged, with their values: the signature (which, with the rest of the
// URL, is a bearer token), the credential (which names the access key ID) and
// the session token. Parameter names are matched case-insensitively, also when
// the URL is itself percent-encoded inside another URL or JSON-escaped.
var secretQuery = regexp.MustCompile(`(?i)((?:^|[?&;\s"'(]|%26|%3F|\\u0026)X-Amz-(?:Signature|Credential|Security-Token)(?:=|%3D))(?:[^&;\s"'#)%\\]|%(?:[013-9A-F][0-9A-F]|2[0-57-9A-F]))*`)

// Redact returns s, a presigned URL or any text holding one, with the values
// of X-Amz-Signature, X-Amz-Credential and X-Amz-Security-Token replaced by
// "REDACTED". Everything else (host, bucket, key, expiry) is kept, so the
// result is still useful in a log line. Presigned URLs are bearer tokens:
// log only what Redact returns.
func Redact(s string) string {
	return secretQuery.ReplaceAllString(s, "${1}"+redacted)
}
