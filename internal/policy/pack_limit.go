package policy

import (
	"fmt"
	"strconv"
	"strings"
)

// Limit is an IAM size quota that generated documents must respect
// ("IAM and AWS STS quotas", IAM User Guide:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
type Limit struct {
	// Name says which quota this is, for error messages.
	Name string
	// PerDocument is the most characters one document may have.
	PerDocument int
	// Total is the most characters all documents together may have; 0 means
	// no limit beyond PerDocument times MaxDocuments.
	Total int
	// MaxDocuments is the most documents; 0 means no limit.
	MaxDocuments int
	// CountWhitespace makes whitespace count; IAM does not count it for
	// managed and inline policies, STS counts the plain text of session
	// policies. Generated documents are minified either way, so only spaces
	// inside keys differ.
	CountWhitespace bool
}

// The quotas generated policies are packed for.
var (
	// ManagedPolicyLimit: a customer managed policy holds at most 6,144
	// characters, and a role has at most 10 managed policies attached by
	// default (the quota can be raised to 20; copy the Limit to use more).
	ManagedPolicyLimit = Limit{Name: "managed policy", PerDocument: 6144, MaxDocuments: 10}
	// InlineRoleLimit: all inline policies of a role together hold at most
	// 10,240 characters, so splitting never helps.
	InlineRoleLimit = Limit{Name: "role inline policies", PerDocument: 10240, Total: 10240}
	// SessionPolicyLimit: the inline session policy passed to AssumeRole or
	// GetFederationToken holds at most 2,048 characters, in one document.
	SessionPolicyLimit = Limit{Name: "session policy", PerDocument: 2048, MaxDocuments: 1, CountWhitespace: true}
)

// Measure counts the characters of a minified document or statement the way
// the limit does. It counts bytes, which is exact for ASCII and errs on the
// safe side for other UTF-8. Each '&', '<' and '>' counts six: MinIO measures
// a re-encoding that escapes them as \u0026-style sequences, and counting them
// so keeps every document within the limit on AWS and MinIO alike.
func (l Limit) Measure(minified []byte) int {
	n := len(minified)
	if !l.CountWhitespace {
		n = Size(minified)
	}
	for _, c := range minified {
		if c == '&' || c == '<' || c == '>' {
			n += 5
		}
	}
	return n
}

// capacity is the most characters one document may have under l.
func (l Limit) capacity() int {
	c := l.PerDocument
	if l.Total > 0 && l.Total < c {
		c = l.Total
	}
	return c
}

func (l Limit) validate() error {
	if l.PerDocument <= 0 || l.Total < 0 || l.MaxDocuments < 0 {
		return fmt.Errorf("invalid policy limit %q: PerDocument must be positive, Total and MaxDocuments zero or positive", l.Name)
	}
	return nil
}

// TooLargeError reports grants that do not fit a Limit. Its message says how
// much is needed and how much the limit allows, for the controller to show as
// a condition.
type TooLargeError struct {
	// Limit is the quota that was exceeded.
	Limit Limit
	// Required is the number of characters the policy needs when packed into
	// Documents documents of at most Limit.PerDocument characters.
	Required int
	// Documents is how many documents that takes.
	Documents int
	// Allowed is the number of characters the limit allows in total.
	Allowed int
	// Statement is set when a single statement cannot fit in any document:
	// its Sid, and Required is then that statement's size in a document.
	Statement string
}

// Error says how many characters and documents the grants need and what the
// limit allows.
func (e *TooLargeError) Error() string {
	if e.Statement != "" {
		return fmt.Sprintf("statement %s alone needs %s characters, but a %s holds at most %s",
			e.Statement, thousands(e.Required), e.Limit.Name, thousands(e.Limit.capacity()))
	}
	var allows string
	switch {
	case e.Limit.MaxDocuments == 1:
		allows = fmt.Sprintf("a %s holds at most %s characters", e.Limit.Name, thousands(e.Allowed))
	case e.Limit.MaxDocuments > 1 && (e.Limit.Total == 0 || e.Limit.Total >= e.Allowed):
		allows = fmt.Sprintf("the %s limit allows %d documents of %s characters (%s in total)",
			e.Limit.Name, e.Limit.MaxDocuments, thousands(e.Limit.PerDocument), thousands(e.Allowed))
	default:
		allows = fmt.Sprintf("%s may hold at most %s characters in total", e.Limit.Name, thousands(e.Allowed))
	}
	docs := "1 document"
	if e.Documents != 1 {
		docs = strconv.Itoa(e.Documents) + " documents"
	}
	return fmt.Sprintf("the grants need %s characters of policy in %s, but %s; narrow or merge grants, or split them across connections",
		thousands(e.Required), docs, allows)
}

// allowedTotal is the most characters all documents together may have.
func (l Limit) allowedTotal() int {
	switch {
	case l.Total > 0:
		return l.Total
	case l.MaxDocuments > 0:
		return l.PerDocument * l.MaxDocuments
	}
	return 0
}

// thousands formats n with comma separators, as IAM's documentation does.
func thousands(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
