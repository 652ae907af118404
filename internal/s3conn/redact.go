package s3conn

import (
	"cmp"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// recentLimit bounds how many rotated credential values a redactor keeps:
// enough for sessions renewed while an old request is still failing.
const recentLimit = 24

// minRedactLen skips values too short to be a real key, so that redaction
// cannot shred ordinary words. MinIO access keys are at least 3 characters.
const minRedactLen = 3

// awsKeyID matches AWS access key IDs (long-term AKIA, temporary ASIA, and
// the other IAM unique-ID prefixes), which AWS messages sometimes echo.
var awsKeyID = regexp.MustCompile(`\b(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|APKA|AROA|ASCA)[A-Z0-9]{16}\b`)

// redactor remembers the secret values one connection has used, so that
// they can be removed from anything shown to users.
type redactor struct {
	mu     sync.Mutex
	fixed  []string // the Secret's keys, known up front
	recent []string // values providers handed out, newest last
}

func (r *redactor) addFixed(c Credentials) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.fixed = appendSecrets(r.fixed, c.AccessKeyID, c.SecretAccessKey, c.SessionToken)
}

func (r *redactor) addRecent(c aws.Credentials) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, v := range []string{c.AccessKeyID, c.SecretAccessKey, c.SessionToken} {
		if len(v) < minRedactLen || slices.Contains(r.fixed, v) || slices.Contains(r.recent, v) {
			continue
		}
		r.recent = append(r.recent, v)
	}
	if over := len(r.recent) - recentLimit; over > 0 {
		r.recent = append(r.recent[:0], r.recent[over:]...)
	}
}

// scrub removes every remembered value and anything shaped like an AWS
// access key ID from s. A nil redactor still removes AWS key IDs.
func (r *redactor) scrub(s string) string {
	if r != nil {
		r.mu.Lock()
		values := append(append([]string(nil), r.fixed...), r.recent...)
		r.mu.Unlock()
		// Longest first, so a key that contains another is removed whole.
		slices.SortFunc(values, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
		for _, v := range values {
			s = strings.ReplaceAll(s, v, redacted)
		}
	}
	return awsKeyID.ReplaceAllString(s, redacted)
}

func appendSecrets(dst []string, values ...string) []string {
	for _, v := range values {
		if len(v) >= minRedactLen && !slices.Contains(dst, v) {
			dst = append(dst, v)
		}
	}
	return dst
}
