package policy

import (
	"fmt"
	"strings"
)

// DefaultPartition is the ARN partition used when a connection names none.
const DefaultPartition = "aws"

// EscapeWildcards writes s so that IAM matches it literally in a Resource ARN
// or a StringLike value: '*', '?' and '$' become the policy variables ${*},
// ${?} and ${$}, which IAM resolves to the bare character after wildcard
// parsing ("IAM policy elements: Variables and tags", Special characters:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#policy-vars-specialchars).
// Object keys may contain all three; unescaped, "reports/*" in a key would
// widen a grant and a "${" in a key would be read as a variable. Variables
// need policy version 2012-10-17, the only one this package writes.
func EscapeWildcards(s string) string {
	if !strings.ContainsAny(s, "*?$") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '*', '?', '$':
			b.WriteString("${")
			b.WriteByte(c)
			b.WriteByte('}')
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// EscapeVariables writes s for a StringEquals value. StringEquals has no
// wildcards but does resolve policy variables, so only '$' is escaped, as ${$}.
func EscapeVariables(s string) string {
	if !strings.Contains(s, "$") {
		return s
	}
	return strings.ReplaceAll(s, "$", "${$}")
}

// UnescapeWildcards reverses EscapeWildcards and EscapeVariables: it resolves
// ${*}, ${?} and ${$} to their characters and leaves everything else as is.
func UnescapeWildcards(s string) string {
	if !strings.Contains(s, "${") {
		return s
	}
	r := strings.NewReplacer("${*}", "*", "${?}", "?", "${$}", "$")
	return r.Replace(s)
}

// partitionOrDefault returns p, or DefaultPartition when p is empty.
func partitionOrDefault(p string) string {
	if p == "" {
		return DefaultPartition
	}
	return p
}

// validatePartition accepts what AWS uses as partition names: "aws",
// "aws-cn", "aws-us-gov", "aws-iso-b", ... (lowercase letters, digits, '-').
func validatePartition(p string) error {
	if p == "" {
		return fmt.Errorf("invalid partition: empty")
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return fmt.Errorf("invalid partition %q: use lowercase letters, digits and '-', as in \"aws\" or \"aws-cn\"", p)
		}
	}
	return nil
}

// BucketARN is the ARN of a bucket, the resource of bucket-level actions such
// as s3:ListBucket. Bucket names cannot contain wildcard characters, so nothing
// is escaped.
func BucketARN(partition, bucket string) string {
	return "arn:" + partitionOrDefault(partition) + ":s3:::" + bucket
}

// ObjectARN is the ARN pattern of every object under prefix in bucket: the
// escaped prefix followed by the one wildcard, "*". An empty prefix gives
// "bucket/*", every object of the bucket.
func ObjectARN(partition, bucket, prefix string) string {
	return BucketARN(partition, bucket) + "/" + EscapeWildcards(prefix) + "*"
}

// s3ARN is a Resource entry of the S3 service split into bucket and key parts.
type s3ARN struct {
	partition string
	bucket    string
	key       string
	hasKey    bool
}

// parseS3ARN splits "arn:<partition>:s3:::<bucket>[/<key>]". It reports false
// for anything else, including access point and S3 Control ARNs, which have a
// region or account.
func parseS3ARN(s string) (s3ARN, bool) {
	rest, ok := strings.CutPrefix(s, "arn:")
	if !ok {
		return s3ARN{}, false
	}
	partition, rest, ok := strings.Cut(rest, ":")
	if !ok {
		return s3ARN{}, false
	}
	rest, ok = strings.CutPrefix(rest, "s3:::")
	if !ok {
		return s3ARN{}, false
	}
	bucket, key, hasKey := strings.Cut(rest, "/")
	return s3ARN{partition: partition, bucket: bucket, key: key, hasKey: hasKey}, true
}

// hasUnescapedWildcard reports whether s contains '*' or '?' outside the
// ${*} and ${?} escapes.
func hasUnescapedWildcard(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '*', '?':
			return true
		case '$':
			if i+3 < len(s) && s[i+1] == '{' && s[i+3] == '}' {
				i += 3
			}
		}
	}
	return false
}

// validateKMSKeyARN accepts the ARN of one KMS key or alias in the given
// partition, without wildcards: the generated statements name that key only.
func validateKMSKeyARN(arn, partition string) error {
	want := "arn:" + partition + ":kms:"
	if !strings.HasPrefix(arn, want) {
		return fmt.Errorf("invalid KMS key ARN %q: want %q followed by region:account:key/id", arn, want)
	}
	if strings.ContainsAny(arn, "*?$ \t\n") {
		return fmt.Errorf("invalid KMS key ARN %q: name exactly one key, without wildcards or spaces", arn)
	}
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[3] == "" || parts[4] == "" ||
		!(strings.HasPrefix(parts[5], "key/") || strings.HasPrefix(parts[5], "alias/")) {
		return fmt.Errorf("invalid KMS key ARN %q: want arn:%s:kms:region:account:key/id", arn, partition)
	}
	return nil
}

// arnGlob reports whether IAM's Resource pattern matches the concrete value s:
// '*' matches any run of characters (including '/'), '?' any one character,
// and ${*}, ${?}, ${$} match their character literally. Other policy
// variables make the pattern undecidable here; arnGlob then reports false,
// which makes the linter's companion checks conservative.
func arnGlob(pattern, s string) bool {
	// Iterative matcher with single-star backtracking, over bytes: the only
	// wildcard characters are ASCII, and '?' is applied to whole UTF-8
	// sequences by skipping continuation bytes.
	p, i := 0, 0
	starP, starI := -1, 0
	for i < len(s) {
		if p < len(pattern) {
			c := pattern[p]
			switch {
			case c == '*':
				starP, starI = p, i
				p++
				continue
			case c == '?':
				p++
				i += utf8Len(s[i])
				continue
			case c == '$' && p+1 < len(pattern) && pattern[p+1] == '{':
				if p+3 < len(pattern) && pattern[p+3] == '}' && strings.IndexByte("*?$", pattern[p+2]) >= 0 {
					if s[i] == pattern[p+2] {
						p += 4
						i++
						continue
					}
				} else {
					return false
				}
			case c == s[i]:
				p++
				i++
				continue
			}
		}
		if starP < 0 {
			return false
		}
		starI++
		p, i = starP+1, starI
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// utf8Len is the length of the UTF-8 sequence that starts with byte b.
func utf8Len(b byte) int {
	switch {
	case b < 0xC0:
		return 1
	case b < 0xE0:
		return 2
	case b < 0xF0:
		return 3
	}
	return 4
}
