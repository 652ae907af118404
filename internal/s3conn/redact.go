package s3conn

import (
	"slices"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/s3am/s3-access-manager/internal/redact"
)

// recentLimit bounds how many rotated credential values a redactor keeps:
// enough for sessions renewed while an old request is still failing.
const recentLimit = 24

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
		if len(v) < redact.MinValueLen || slices.Contains(r.fixed, v) || slices.Contains(r.recent, v) {
			continue
		}
		r.recent = append(r.recent, v)
	}
	if over := len(r.recent) - recentLimit; over > 0 {
		r.recent = append(r.recent[:0], r.recent[over:]...)
	}
}

// scrub removes every remembered value and everything redact.String does
// from s. A nil redactor still does the latter.
func (r *redactor) scrub(s string) string {
	var values []string
	if r != nil {
		r.mu.Lock()
		values = append(append(values, r.fixed...), r.recent...)
		r.mu.Unlock()
	}
	return redact.Values(s, values...)
}

func appendSecrets(dst []string, values ...string) []string {
	for _, v := range values {
		if len(v) >= redact.MinValueLen && !slices.Contains(dst, v) {
			dst = append(dst, v)
		}
	}
	return dst
}
